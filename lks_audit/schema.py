"""The data contract, declared once as data.

Every workbook, sheet and column of ``shared/spec/data-contract.md`` is
written here and nowhere else: templates, loading, reference checks and the
README's contract table are all derived from :data:`WORKBOOKS`.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from enum import Enum

from .findings import AREA_TITLES

#: Name of the column every loaded frame carries: each record's Excel row number.
ROW = "_row"


class Kind(str, Enum):
    """How a cell is read (the contract's "value kinds")."""

    ID = "id"
    IDS = "ids"
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    YESNO = "yes/no"
    CHOICE = "choice"


#: What staff may type for yes/no, mapped to the boolean it means.
YES_NO_WORDS: dict[str, bool] = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    # Ticks and crosses (data-contract.md); a lone x stays unreadable: Yes in a tick box, No in a list.
    "✓": True,
    "✔": True,
    "☑": True,
    "✅": True,
    "✗": False,
    "✘": False,
    "☒": False,
    "❌": False,
}

#: Words a template offers for every yes/no column.
YES_NO_CHOICES = ("Yes", "No")

PLATFORMS = ("Facebook", "X", "Instagram", "YouTube", "TikTok", "LinkedIn", "WhatsApp", "Other")
PRIVACY = ("Open", "Private")

# Targets of references: (sheet, key column) that an id column points to (DQ-04).
ACCOUNT = ("Accounts", "Account ID")
APPLICATION = ("Applications", "Application ID")
STAFF = ("Staff", "Staff ID")
STUDENT = ("Consent", "Student ID")
INCIDENT = ("Incidents", "Incident ID")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, how its cells are read, the help and example a template gives.

    Declared with the kind's word ("yes/no") and any sequence of choices; what follows ``refers_to`` is named."""

    header: str
    kind: Kind
    help: str
    example: object = None
    choices: tuple[str, ...] = ()
    refers_to: tuple[str, str] | None = None
    _: KW_ONLY
    #: What the column's values are when they name or identify a person ("a Student ID"); such values
    #: never appear on the governors' page. Empty for columns about no one in particular.
    personal: str = ""
    #: A date that plans ahead (a review due, a closure day), so it may lie after ``as of`` (DQ-05).
    plan: bool = False
    #: The header an older template used for this column (a column split in two keeps its old name here),
    #: so a workbook made from it is told what changed rather than only that a column is missing.
    formerly: str | None = None
    #: Free text written for governors (the DPO's commentary, evidence, reasons): before anything is
    #: published it is checked for the personal values of the data, which it must never hold.
    for_governors: bool = False
    #: A column the contract lets a workbook leave out (data-contract.md, "Optional columns"): never DQ-01,
    #: never an "extra column" notice; when absent it reads as blank.
    optional: bool = False
    #: Why an optional column is worth filling in, for the template's Instructions sheet.
    why: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        object.__setattr__(self, "choices", tuple(self.choices))

    @property
    def allowed(self) -> tuple[str, ...]:
        """The words a dropdown offers (choices, or Yes/No)."""
        return YES_NO_CHOICES if self.kind is Kind.YESNO else self.choices


@dataclass(frozen=True)
class Ordering:
    """Two dates of one row that must come in this order (DQ-05): ``later`` is never before ``earlier``."""

    earlier: str
    later: str
    #: What it means when they do not, in the school office's words.
    problem: str


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: str | None = None
    #: A sheet meant to hold exactly one row (the Policy sheet).
    single_row: bool = False
    purpose: str = ""
    #: The column that names a row in a finding when the sheet has no key (Consent: the Student ID).
    label_column: str | None = None
    orderings: tuple[Ordering, ...] = ()
    #: An event log's date column: each row is an event on that date, and the period's rules look at the
    #: events of the audit year (DQ-06 names a log with none).
    event_date: str | None = None
    #: A sheet the audit can do without (the school's holidays): missing, it blocks no rule and is no DQ-01;
    #: there, it is read and checked like the others.
    optional: bool = False

    @property
    def label(self) -> str | None:
        """The column that names a row in a finding: the key, else :attr:`label_column`."""
        return self.key or self.label_column

    @property
    def label_is_personal(self) -> bool:
        """Whether a row's label names a person (a Staff ID, a Student ID)."""
        return self.label is not None and bool(self.column(self.label).personal)

    def column(self, header: str) -> Column:
        for col in self.columns:
            if col.header == header:
                return col
        raise KeyError(f"{self.name} has no column {header!r}")

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


@dataclass(frozen=True)
class Workbook:
    file: str
    sheets: tuple[Sheet, ...]
    title: str
    filled_in_by: str
    when: str
    clause: str
    extra: dict = field(default_factory=dict)
    #: A workbook the audit can do without (the DPO's review): when it is missing no rule is blocked and
    #: there is no DQ-01; when it is there it is read and checked like the others.
    optional: bool = False
    #: The DPO's own workbook, not office data (rules.md, "Dates of the DPO's review"): its dates are the DPO's
    #: and never compared with ``as of`` (no DQ-05), and ``validate --feedback`` writes no copy of it for the office.
    kept_by_dpo: bool = False


#: Why the optional Link columns help (data-contract.md: they let platform archives match by ID).
_LINK_WHY = (
    "Optional. With the address copied from the platform, the audit finds the {what} in the platform's own "
    "download of the account by its ID, even when the time typed is out by hours; without it the {what} is "
    "matched by its time and text."
)


def _link_column(what: str, help: str, example: str | None) -> Column:
    """A log's optional Link column: the address of the ``what`` on the platform (data-contract.md)."""
    return Column("Link", "text", help, example, optional=True, why=_LINK_WHY.format(what=what))


ASSURANCE = ("Substantial", "Reasonable", "Limited", "No assurance")
#: The DPO's decisions on a finding, as typed in dpo_review.xlsx and shown in every view.
ACCEPTED_RISK, NOT_A_BREACH = "Accepted risk", "Not a breach"
DECISIONS = (ACCEPTED_RISK, NOT_A_BREACH)


WORKBOOKS: tuple[Workbook, ...] = (
    Workbook(
        file="accounts_register.xlsx",
        title="Register of school social media accounts",
        filled_in_by="The account administrators, checked by the SLT member responsible for social media",
        when="When an account is created, closed, transferred or its settings change; reviewed each term",
        clause="Administrator/Moderator will: create the account following SLT approval with agreed account "
        "settings; name the account using an agreed convention; store account details, including "
        "passwords securely.",
        sheets=(
            Sheet(
                "Accounts",
                key="Account ID",
                purpose="One row per school social media account.",
                orderings=(
                    Ordering(
                        "Created on",
                        "Closed or transferred on",
                        "the account was closed or transferred before it was created",
                    ),
                ),
                columns=(
                    Column("Account ID", "id", "Your own short code for the account, unique in this sheet.", "ACC-001"),
                    Column("Platform", "choice", "Where the account lives.", "Facebook", PLATFORMS),
                    Column(
                        "Account name", "text", "The handle or page name exactly as the public sees it.", "@LKS_Sport"
                    ),
                    Column(
                        "Application ID",
                        "id",
                        "The approved application this account was created from (see account_applications.xlsx).",
                        "APP-001",
                        refers_to=APPLICATION,
                    ),
                    Column(
                        "Purpose",
                        "choice",
                        "What the account is for.",
                        "Celebration",
                        ("Information", "Celebration", "Teaching and learning", "Mixed"),
                    ),
                    Column("Audience", "text", "Who the account is meant for.", "Parents and carers"),
                    Column(
                        "Privacy",
                        "choice",
                        "Open (anyone can see) or Private (approved followers only).",
                        "Private",
                        PRIVACY,
                    ),
                    Column("Privacy reason", "text", "Why that privacy setting was chosen.", "Pictures of students"),
                    Column(
                        "Administrators",
                        "ids",
                        "Staff IDs of everyone who administers the account (at least two), separated by commas.",
                        "S001, S002",
                        refers_to=STAFF,
                    ),
                    Column("Lead staff", "id", "Staff ID of the lead member of staff.", "S001", refers_to=STAFF),
                    Column("Created on", "date", "The day the account was created.", "01/09/2025"),
                    Column(
                        "Credentials stored securely",
                        "yes/no",
                        "Are the login details kept in the school's secure password store?",
                        "Yes",
                    ),
                    Column(
                        "Admin approves followers or posts",
                        "yes/no",
                        "Must an administrator approve new followers or posts?",
                        "Yes",
                    ),
                    Column("Tagging disabled", "yes/no", "Is tagging people in images turned off?", "Yes"),
                    Column(
                        "Status",
                        "choice",
                        "Is the account still in use?",
                        "Active",
                        ("Active", "Closed", "Transferred"),
                    ),
                    Column(
                        "Closed or transferred on",
                        "date",
                        "The day it was closed or handed over; blank while Active.",
                        None,
                    ),
                    Column(
                        "Last purpose review", "date", "When SLT last reviewed the account's purpose.", "15/07/2026"
                    ),
                    Column(
                        "DPIA reference", "text", "Reference of the Data Protection Impact Assessment.", "DPIA-2025-03"
                    ),
                ),
            ),
        ),
    ),
    Workbook(
        file="account_applications.xlsx",
        title="Applications for new school social media accounts",
        filled_in_by="The member of staff who wants a new account; SLT record the decision",
        when="When an application is made and when SLT decide on it",
        clause="Process for creating new school social media accounts: any member of staff wishing to create "
        "such an account must present a business case to the Leadership Team (SLT).",
        sheets=(
            Sheet(
                "Applications",
                key="Application ID",
                purpose="One row per application (business case).",
                orderings=(
                    Ordering("Submitted on", "Decision date", "the decision is before the application was submitted"),
                ),
                columns=(
                    Column(
                        "Application ID",
                        "id",
                        "Your own short code for the application, unique in this sheet.",
                        "APP-001",
                    ),
                    Column("Submitted on", "date", "The day the business case reached SLT.", "10/07/2025"),
                    Column("Submitted by", "id", "Staff ID of the applicant.", "S001", refers_to=STAFF),
                    Column("Platform", "choice", "Where the account would live.", "Facebook", PLATFORMS),
                    Column("Aim", "text", "The aim of the account.", "Celebrate sports results"),
                    Column("Intended audience", "text", "Who the account is for.", "Parents and carers"),
                    Column("Promotion plan", "text", "How the account will be promoted.", "Newsletter and website"),
                    Column(
                        "Proposed administrators",
                        "ids",
                        "Staff IDs of at least two proposed administrators, separated by commas.",
                        "S001, S002",
                        refers_to=STAFF,
                    ),
                    Column("Privacy", "choice", "Suggested privacy setting.", "Private", PRIVACY),
                    Column("Privacy reason", "text", "Why that privacy setting is suggested.", "Pictures of students"),
                    Column(
                        "DPIA submitted to DPO on",
                        "date",
                        "The day the DPIA went to the Data Protection Officer.",
                        "12/07/2025",
                    ),
                    Column(
                        "SLT decision", "choice", "SLT's decision.", "Approved", ("Approved", "Rejected", "Pending")
                    ),
                    Column("Decision date", "date", "The day SLT decided; blank while Pending.", "20/07/2025"),
                ),
            ),
        ),
    ),
    Workbook(
        file="staff_training.xlsx",
        title="Staff, volunteers and parents who may touch a school account",
        filled_in_by="The school office (HR records), with the DSL/SLT lead for training dates",
        when="When someone joins or leaves, reads the policy, is trained, or signs the annual declaration",
        clause="SLT will ensure that anyone running/administering a social media account on behalf of the "
        "school, has read and understood this policy and received appropriate training. This also "
        "applies to anyone who is not directly employed by the school, including volunteers or parents.",
        sheets=(
            Sheet(
                "Staff",
                key="Staff ID",
                purpose="Everyone who may touch a school account is listed, volunteers and parents included.",
                orderings=(Ordering("Start date", "Leaving date", "the leaving date is before the start date"),),
                columns=(
                    Column("Staff ID", "id", "The person's code, unique in this sheet.", "S001", personal="a Staff ID"),
                    Column("Name", "text", "Full name.", "Jane Example", personal="a staff name"),
                    Column("Role", "text", "Job title or role.", "Teacher"),
                    Column(
                        "Type",
                        "choice",
                        "Relationship to the school.",
                        "Employee",
                        ("Employee", "Volunteer", "Parent", "Contractor"),
                    ),
                    Column("Start date", "date", "First day with the school.", "01/09/2020"),
                    Column("Leaving date", "date", "Last day with the school; blank while in post.", None),
                    Column(
                        "Policy read on",
                        "date",
                        "The day they confirmed reading the Social Media Policy.",
                        "02/09/2025",
                    ),
                    Column(
                        "Social media training on",
                        "date",
                        "The day of their first social media training.",
                        "03/09/2025",
                    ),
                    Column("Latest refresher on", "date", "The day of their most recent refresher training.", None),
                    Column(
                        "Annual declaration on",
                        "date",
                        "The day they signed this year's declaration: personal accounts "
                        "carry a disclaimer when naming the school, and no following of or contact with current or "
                        "former students.",
                        "04/09/2025",
                    ),
                ),
            ),
        ),
    ),
    Workbook(
        file="image_consent.xlsx",
        title="Image consent forms",
        filled_in_by="The school office, from the consent forms parents/carers return",
        when="Whenever a consent form is received, changed or withdrawn, and when a student leaves",
        clause="Permission to use any photos or video recordings is sought in line with DSPP's (Dudley "
        "Safeguarding People Partnership), use of images permission guidance and associated consent forms.",
        sheets=(
            Sheet(
                "Consent",
                key=None,
                label_column="Student ID",
                purpose="One row per consent form: a student "
                "may have several forms over time; the latest form received on or before a day applies.",
                columns=(
                    Column(
                        "Student ID",
                        "id",
                        "The student's code from the school's information system.",
                        "ST0001",
                        personal="a Student ID",
                    ),
                    Column(
                        "Student name",
                        "text",
                        "First name then surname, as the student is known.",
                        "Amelia Hart",
                        personal="a student name",
                    ),
                    Column("Year group", "text", "Year group when the form was received.", "Year 7"),
                    Column("Form received on", "date", "The day the school received this form.", "05/09/2025"),
                    Column(
                        "Social media consent",
                        "yes/no",
                        "Does this form give consent to images on school social media?",
                        "Yes",
                    ),
                    Column(
                        "Photo restriction",
                        "yes/no",
                        "Yes = must never be photographed for publication (safeguarding).",
                        "No",
                    ),
                    Column("Withdrawn on", "date", "The day consent on this form was withdrawn; blank if not.", None),
                    Column("Form version", "text", "The version of the consent form used.", "DSPP 2024"),
                    Column("Left school on", "date", "The day the student left; blank while on roll.", None),
                ),
            ),
        ),
    ),
    Workbook(
        file="posts_log.xlsx",
        title="Log of posts on school accounts",
        filled_in_by="Whoever publishes a post on a school account",
        when="Each time something is posted (or removed)",
        clause="Use of images and video; Legal considerations; Managing school social media accounts.",
        sheets=(
            Sheet(
                "Posts",
                event_date="Posted at",
                key="Post ID",
                purpose="One row per post published on a school account.",
                columns=(
                    Column("Post ID", "id", "Your own code for the post, unique in this sheet.", "P-0001"),
                    Column("Account ID", "id", "The account it was posted on.", "ACC-001", refers_to=ACCOUNT),
                    Column(
                        "Posted at", "datetime", "Date and time of publication (dd/mm/yyyy hh:mm).", "12/03/2026 15:30"
                    ),
                    Column("Posted by", "id", "Staff ID of whoever posted it.", "S001", refers_to=STAFF),
                    Column("Post text", "text", "The caption as published.", "Well done to our Year 7 netball team!"),
                    Column("Images of students", "yes/no", "Does the post show any student?", "Yes"),
                    Column(
                        "Students pictured",
                        "ids",
                        "Student IDs of every student shown, separated by commas.",
                        "ST0001, ST0002",
                        refers_to=STUDENT,
                    ),
                    Column(
                        "Shot type",
                        "choice",
                        "How students are shown.",
                        "Group",
                        ("Group", "Individual", "From behind", "None"),
                    ),
                    Column(
                        "Swimwear",
                        "yes/no",
                        "Are students shown in swimming costumes?",
                        "No",
                        formerly="Swimwear or sports kit",
                    ),
                    Column(
                        "Sports kit",
                        "yes/no",
                        "Are students shown in PE or sports clothing?",
                        "No",
                        formerly="Swimwear or sports kit",
                    ),
                    Column("Third-party content", "yes/no", "Does the post share someone else's material?", "No"),
                    Column(
                        "Copyright permission",
                        "yes/no",
                        "If it does: was the copyright holder's permission obtained?",
                        None,
                    ),
                    Column(
                        "Senior leader approval",
                        "id",
                        "Staff ID of the senior leader who approved controversial content; blank if not needed.",
                        None,
                        refers_to=STAFF,
                    ),
                    Column("Removed on", "date", "The day the post was taken down; blank if still up.", None),
                    _link_column(
                        "post",
                        "The post's address as published (copy it from the platform). Optional.",
                        "https://x.com/LittleKinvaston/status/1790000000000000000",
                    ),
                ),
            ),
        ),
    ),
    Workbook(
        file="interactions_log.xlsx",
        title="Log of comments, queries, complaints and messages",
        filled_in_by="The account administrators who monitor the accounts",
        when="Each time a comment, query, complaint or message arrives, and when it is answered",
        clause="Any comments, queries or complaints made through those accounts must be responded to within "
        "24 hours (or on the next working day if received at a weekend), even if the response is only "
        "to acknowledge receipt.",
        sheets=(
            Sheet(
                "Interactions",
                event_date="Received at",
                key="Interaction ID",
                purpose="One row per comment, query, complaint or message received through a school account.",
                orderings=(
                    Ordering(
                        "Received at", "First response at", "the first response is before the interaction was received"
                    ),
                ),
                columns=(
                    Column("Interaction ID", "id", "Your own code, unique in this sheet.", "I-00001"),
                    Column("Account ID", "id", "The account it came through.", "ACC-001", refers_to=ACCOUNT),
                    Column("Received at", "datetime", "When it arrived (dd/mm/yyyy hh:mm).", "13/03/2026 09:10"),
                    Column("Type", "choice", "What it is.", "Query", ("Comment", "Query", "Complaint", "Message")),
                    Column(
                        "From", "choice", "Who sent it.", "Parent", ("Parent", "Student", "Staff", "Public", "Unknown")
                    ),
                    Column("Summary", "text", "A short, factual summary (no names needed).", "Asked about match time"),
                    Column(
                        "First response at",
                        "datetime",
                        "When the school first replied, even just to acknowledge (dd/mm/yyyy hh:mm).",
                        "13/03/2026 11:45",
                    ),
                    Column("Responded by", "id", "Staff ID of whoever replied.", "S002", refers_to=STAFF),
                    Column("Offensive", "yes/no", "Was it offensive or unacceptable?", "No"),
                    Column(
                        "Action taken",
                        "choice",
                        "What was done about it.",
                        "None",
                        ("None", "Hidden", "Deleted", "Blocked", "Reported"),
                    ),
                    Column(
                        "Audience informed", "yes/no", "If action was taken: was the audience told exactly why?", None
                    ),
                    Column("Incident ID", "id", "The incident it was escalated to, if any.", None, refers_to=INCIDENT),
                    _link_column(
                        "message", "The message's or comment's address, where the platform shows one. Optional.", None
                    ),
                ),
            ),
        ),
    ),
    Workbook(
        file="incidents_log.xlsx",
        title="Log of social media incidents",
        filled_in_by="The SLT member leading the investigation, with the DPO for data breaches",
        when="As soon as the school becomes aware of an incident, and as it is handled",
        clause="SLT will take a lead role in investigating any reported incidents; make an initial assessment "
        "when an incident is reported and involve appropriate staff and external agencies as required.",
        sheets=(
            Sheet(
                "Incidents",
                event_date="Reported at",
                key="Incident ID",
                purpose="One row per incident.",
                columns=(
                    Column("Incident ID", "id", "Your own code, unique in this sheet.", "INC-001"),
                    Column(
                        "Reported at",
                        "datetime",
                        "When the school became aware (dd/mm/yyyy hh:mm).",
                        "16/03/2026 08:30",
                    ),
                    Column(
                        "Category",
                        "choice",
                        "What kind of incident.",
                        "Offensive or harassing",
                        (
                            "Bullying",
                            "Offensive or harassing",
                            "Defamatory",
                            "Discriminatory",
                            "Personal data breach",
                            "Confidentiality",
                            "Copyright",
                            "Safeguarding",
                            "Staff conduct",
                            "Staff contact with students",
                            "Journalist contact",
                            "Other",
                        ),
                    ),
                    Column(
                        "Account ID",
                        "id",
                        "The school account involved; blank if not on a school account.",
                        "ACC-001",
                        refers_to=ACCOUNT,
                    ),
                    Column("Summary", "text", "A short, factual summary.", "Abusive comment under sports post"),
                    Column(
                        "SLT assessment at", "datetime", "When SLT made the initial assessment.", "16/03/2026 12:00"
                    ),
                    Column("Assessed by", "id", "Staff ID of the SLT member who assessed it.", "S003", refers_to=STAFF),
                    Column("Considered illegal", "yes/no", "Is the conduct considered illegal?", "No"),
                    Column("Reported to police on", "date", "The day it was reported to the police, if it was.", None),
                    Column("External agencies informed", "text", "Which other agencies were told, if any.", None),
                    Column("Personal data breach", "yes/no", "Is it a personal data breach?", "No"),
                    Column("DPO informed at", "datetime", "When the Data Protection Officer was told.", None),
                    Column("ICO reportable", "yes/no", "The DPO's decision: must it be reported to the ICO?", None),
                    Column(
                        "Reported to ICO at", "datetime", "When it was reported to the ICO (within 72 hours).", None
                    ),
                    Column(
                        "Media policy followed",
                        "yes/no",
                        "For journalist contact: was the media policy followed?",
                        None,
                    ),
                    Column("Outcome", "text", "What happened in the end.", "Comment deleted, user blocked"),
                    Column("Closed on", "date", "The day the incident was closed.", "18/03/2026"),
                ),
            ),
        ),
    ),
    Workbook(
        file="school_settings.xlsx",
        title="The policy's approval and the school's closure days",
        filled_in_by="The school business manager or clerk to the governors",
        when="When the policy is approved, reviewed or signed, and when closure days are set",
        clause="Little Kinvaston School's Social Media Policy will be reviewed on an annual basis in accordance "
        "with the procedures for reviewing LKS policies.",
        sheets=(
            Sheet(
                "Policy",
                single_row=True,
                label_column="Policy version",
                purpose="One row: the policy version in force.",
                columns=(
                    Column("Policy version", "text", "The version of the Social Media Policy in force.", "2025.1"),
                    Column("Approved on", "date", "The day the governors approved it.", "15/07/2025"),
                    Column("Next review due", "date", "When it must next be reviewed.", "15/07/2026", plan=True),
                    Column(
                        "Signed by chair of governors on",
                        "date",
                        "The day the chair of governors signed it.",
                        "16/07/2025",
                    ),
                    Column("Signed by proprietor on", "date", "The day the proprietor signed it.", "17/07/2025"),
                ),
            ),
            Sheet(
                "Closures",
                purpose="Days the school is closed that are not weekends or England and Wales "
                "bank holidays (INSET days, snow days). They are not working days.",
                columns=(
                    Column("Date", "date", "The day the school was closed.", "01/09/2025", plan=True),
                    Column("Reason", "text", "Why.", "INSET day"),
                ),
            ),
            Sheet(
                "Holidays",
                optional=True,
                purpose="Optional: the school's holidays, one row each (first and last day). Action plan due "
                "dates never fall in them. Left out or empty, the usual English holidays are used: the fortnight "
                "around Christmas, Easter's two weeks and August.",
                columns=(
                    Column("From", "date", "The first day of the holiday.", "21/12/2026", plan=True),
                    Column("To", "date", "The last day of the holiday.", "01/01/2027", plan=True),
                    Column("Name", "text", "Which holiday.", "Christmas holidays"),
                ),
            ),
        ),
    ),
    Workbook(
        file="dpo_review.xlsx",
        optional=True,
        kept_by_dpo=True,
        title="The DPO's review: opinion, commentary and decisions",
        filled_in_by="The Data Protection Officer",
        when="After each run of the audit, and whenever a decision on a finding is taken or reviewed",
        clause="For all new processing requirements ... submit this to your Data Protection Officer for "
        "consideration (the DPO's judgement on the findings, kept with the data so that it lasts from run to run).",
        sheets=(
            Sheet(
                "Areas",
                key="Area",
                purpose="At most one row per policy area: your opinion, shown to governors beside the rating "
                "the checks give. Leave an area out to say nothing about it.",
                columns=(
                    Column(
                        "Area",
                        "choice",
                        "The policy area, as the report names it.",
                        "Images and consent",
                        tuple(AREA_TITLES.values()),
                    ),
                    Column(
                        "Assurance",
                        "choice",
                        "Your opinion as DPO, shown beside the rating the checks give.",
                        "Limited",
                        ASSURANCE,
                    ),
                    Column(
                        "Commentary",
                        "text",
                        "For governors: what the findings mean and what is being done. No names or IDs of "
                        "students or staff.",
                        "Two posts went out without consent; both were removed and staff retrained in March.",
                        for_governors=True,
                    ),
                    Column(
                        "Evidence",
                        "text",
                        "Where the evidence is kept. No names or IDs of students or staff.",
                        "SLT minutes 12/03/2026",
                        for_governors=True,
                    ),
                ),
            ),
            Sheet(
                "Decisions",
                # No key (data-contract.md): a finding may have several rows over time, the latest in force.
                label_column="Finding ID",
                purpose="One row per decision on a finding: it no longer counts in the rating while the decision "
                "is in force (Review by blank, or on or after the audit day). To renew or change a decision, add a "
                "row with a later Decided on: the latest is the one in force, the earlier rows its history.",
                columns=(
                    Column(
                        "Finding ID",
                        "id",
                        "The finding's ID exactly as the audit prints it (dpo-actions.xlsx lists them).",
                        "IMG-01:P-0004:ST0003",
                    ),
                    Column(
                        "Decision",
                        "choice",
                        "Accepted risk: the school knowingly accepts it (governors see how many and why). "
                        "Not a breach: the check is wrong for this record.",
                        ACCEPTED_RISK,
                        DECISIONS,
                    ),
                    Column(
                        "Reason",
                        "text",
                        "Why; shown to governors for accepted risks. No names or IDs of students or staff.",
                        "Parents gave written permission for this photograph",
                        for_governors=True,
                    ),
                    Column("Decided by", "text", "Who decided, by role.", "DPO"),
                    Column("Decided on", "date", "The day of the decision.", "12/03/2026"),
                    Column(
                        "Review by",
                        "date",
                        "The day the decision must be looked at again; blank: until withdrawn. Once it has "
                        "passed the finding counts again.",
                        "31/03/2027",
                        plan=True,
                    ),
                ),
            ),
        ),
    ),
)

SHEETS: dict[str, Sheet] = {s.name: s for wb in WORKBOOKS for s in wb.sheets}
WORKBOOK_OF_SHEET: dict[str, Workbook] = {s.name: wb for wb in WORKBOOKS for s in wb.sheets}
WORKBOOK_BY_FILE: dict[str, Workbook] = {wb.file: wb for wb in WORKBOOKS}


#: The workbooks an audit needs (all but the DPO's optional review): a folder without any has nothing to audit.
REQUIRED_WORKBOOKS: tuple[Workbook, ...] = tuple(wb for wb in WORKBOOKS if not wb.optional)


def references() -> list[tuple[str, Column]]:
    """Every (sheet, column) whose ids point at another sheet's key."""
    return [(s.name, c) for wb in WORKBOOKS for s in wb.sheets for c in s.columns if c.refers_to]


def personal_columns() -> list[tuple[str, Column]]:
    """Every (sheet, column) that names or identifies a person: what the governors' page must never show."""
    return [(s.name, c) for wb in WORKBOOKS for s in wb.sheets for c in s.columns if c.personal]


def governors_text_columns() -> list[tuple[str, Column]]:
    """Every (sheet, column) of free text written for governors: checked for personal data before publishing."""
    return [(s.name, c) for wb in WORKBOOKS for s in wb.sheets for c in s.columns if c.for_governors]


def contract_markdown() -> str:
    """The contract as Markdown tables, for the README (derived, never typed twice)."""
    out = []
    for wb in WORKBOOKS:
        for sheet in wb.sheets:
            notes = ([f"key: {sheet.key}"] if sheet.key else []) + (
                ["optional"] if wb.optional or sheet.optional else []
            )
            key = f" ({'; '.join(notes)})" if notes else ""
            out.append(f"### `{wb.file}`, sheet `{sheet.name}`{key}\n")
            out.append("| header | kind | notes |\n|---|---|---|")
            for col in sheet.columns:
                notes = ", ".join(col.choices) if col.choices else col.help
                out.append(f"| {col.header} | {col.kind.value} | {notes} |")
            out.append("")
    return "\n".join(out)
