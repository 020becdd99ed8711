"""The ``lks-audit`` command: a thin layer over the library.

The only module that reads the command line, prints, and turns what the library raises into exit
codes: 0 when the command ran (whatever the audit found; for ``validate``, when the data is clean; for ``due``,
when nothing is overdue), 1 when ``validate`` found problems, ``due`` found a clock overdue, a report could not
be rendered (ReportFailed) or ``explore`` lacks JupyterLab (MissingPackage), 2 for unusable arguments or a folder
with nothing to audit (AuditInputError), 130 for Ctrl-C. User mistakes give one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import AuditInputError, MissingPackage, ReportFailed
from .handover import DEFAULT_SCHOOL
from .summary_text import RECORD_WORKBOOKS
from .version import __version__

#: Another notebook for ``report`` to run instead of the bundled one (tests use it for a hung or failing cell).
NOTEBOOK_ENV = "LKS_AUDIT_NOTEBOOK"


def _add_period_options(p: argparse.ArgumentParser, year_required: bool) -> None:
    year = "academic year, e.g. 2025-26, 2025/26 or 2025-2026 (1 Sep 2025 to 31 Aug 2026)"
    p.add_argument(
        "--year",
        required=year_required,
        metavar="YYYY-YY",
        help=year
        if year_required
        else f"{year}; default: the year of --as-of, else the year of the latest dated event in the logs "
        "(the year containing today when they hold none)",
    )
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="the day the audit is taken, inside the year, e.g. 31/08/2026 or 2026-08-31 (default: end of the "
        'year, or today if earlier), or a moment of it ("31/03/2026 10:00", "2026-03-31 10:00"): a deadline has '
        "passed when it fell before that moment (before the day began, for a day)",
    )


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("data_dir", metavar="DATA_DIR", help="folder holding the school's workbooks")


def _add_json_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object (and nothing else) on stdout")


def _add_school_option(p: argparse.ArgumentParser, used_for: str) -> None:
    p.add_argument("--school", default=DEFAULT_SCHOOL, help=f"school name for {used_for}")


def _add_audit_options(p: argparse.ArgumentParser) -> None:
    _add_data_dir(p)
    _add_period_options(p, year_required=True)
    _add_parameter_options(p)


def _add_parameter_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        default=[],
        help="override a rule parameter, e.g. --param ico_hours=72 (repeatable)",
    )
    p.add_argument(
        "--settings",
        metavar="FILE.toml",
        help="a TOML file of rule parameters ([parameters] table); --param wins over it",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lks-audit",
        description="Check Little Kinvaston School's social media records against its policy.",
        epilog="Typical year: 'templates' for staff, 'validate' to fix the data, 'check' for the DPO, "
        "'report' for the governors.",
    )
    parser.add_argument("--version", action="version", version=f"lks-audit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    force = "replace contract workbooks already in DIR; the old ones are kept beside, renamed"
    p = sub.add_parser(
        "templates",
        help="write the blank Excel templates staff fill in",
        description=f"Write the {RECORD_WORKBOOKS} blank workbooks and the DPO's dpo_review.xlsx (with dropdowns, "
        "date checks and an Instructions sheet) into DIR. A folder that already holds any of them is refused.",
    )
    p.add_argument("dir", metavar="DIR", help="folder to write the templates into (created if needed)")
    p.add_argument("--force", action="store_true", help=force)

    p = sub.add_parser(
        "sample",
        help="write a synthetic sample school year to try the tool on",
        description=f"Write a realistic, made-up school year into DIR: the {RECORD_WORKBOOKS} workbooks, mostly "
        "compliant, with a planted mix of breaches (2025-26 also with the DPO's review; 2024-25 is the same school a "
        "year earlier). A folder that already holds any contract workbook is refused.",
    )
    p.add_argument("dir", metavar="DIR", help="folder to write the sample workbooks into")
    p.add_argument("--year", default="2025-26", metavar="YYYY-YY", help="2025-26 (default) or 2024-25")
    p.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same files")
    p.add_argument("--scale", type=int, default=1, help="multiply the volumes (1 = about 600 students)")
    p.add_argument("--force", action="store_true", help=force)

    p = sub.add_parser(
        "validate",
        help="list what to fix in the workbooks before the audit",
        description="Load the workbooks in DIR (.xlsx, .xlsm, .ods or .xls) and list every data problem "
        "by workbook, sheet and cell: the data-quality findings (DQ-01 to DQ-06) check gives, worded alike, "
        "and notices of how the data was read. Never changes the originals.",
        epilog="Exit status: 0 when no problem was found, 1 when problems were found (or a feedback copy "
        "could not be written), 2 when the arguments cannot be used.",
    )
    p.add_argument("dir", metavar="DIR", help="folder holding the workbooks")
    p.add_argument(
        "--feedback",
        metavar="OUT_DIR",
        help="also write .xlsx copies of the workbooks with problem cells highlighted and commented; "
        "copies an earlier run wrote there that no longer apply are removed",
    )
    _add_period_options(p, year_required=False)

    p = sub.add_parser(
        "check",
        help="run every policy check and print the findings",
        description="Load the workbooks in DATA_DIR, check them against the policy and "
        "print areas with RAG status and findings with file, sheet and row.",
    )
    _add_audit_options(p)
    _add_json_option(p)

    p = sub.add_parser(
        "report",
        help="render the governors' annual review and the DPO's detail",
        description="Run the audit notebook and write annual-review.html, dpo-detail.html, "
        "action-plan.xlsx and findings.json into OUT/YEAR/.",
    )
    _add_audit_options(p)
    p.add_argument("--out", default="reports", metavar="DIR", help="output folder (default: reports)")
    _add_school_option(p, "the title")
    _add_earlier_years_options(p)
    p.add_argument(
        "--meeting-date",
        metavar="DATE",
        help="the day governors receive the review, on or after the audit day, printed on its first page; action "
        "due dates count from it (default: the later of today and the audit day)",
    )
    p.add_argument(
        "--timeout",
        type=int,
        default=600,
        metavar="SECONDS",
        help="stop a notebook cell that runs longer than this (default: 600)",
    )

    p = sub.add_parser(
        "explore",
        help="open the DPO's notebook in JupyterLab: the findings to filter, the rows behind them, decisions",
        description="Copy the DPO's notebook (explore.ipynb) into a private working folder, fill in its parameters "
        "from these options, and start JupyterLab on it: every finding in a table to sort, search and filter, the "
        "workbook rows behind each, last year compared, and decisions written to dpo_review.xlsx. Needs the "
        "interactive extra (JupyterLab and itables). Stop it with Ctrl-C.",
    )
    _add_audit_options(p)
    _add_school_option(p, "the working folder's name")
    _add_earlier_years_options(p)
    p.add_argument(
        "--work",
        metavar="DIR",
        help="where the private working folder (SCHOOL-YEAR) is made, outside the data folder (default: lks-audit "
        "in your home folder)",
    )
    p.add_argument("--no-browser", action="store_true", help="start JupyterLab without opening a browser")
    p.add_argument("--port", type=int, metavar="PORT", help="the port JupyterLab listens on (default: 8888 or next)")

    p = sub.add_parser(
        "due",
        help="list the policy's clocks running now: what is overdue, due soon, running",
        description="Load the workbooks in DATA_DIR and list every clock the policy starts (a reply, an SLT "
        "assessment, a report to the ICO, training that expires, ...) with its state at NOW: overdue, due soon, "
        "running, or to confirm when a cell it needs could not be read. Overdue first, then by time left. A clock "
        "is overdue exactly when 'check --as-of NOW' raises its finding.",
        epilog="Exit status: 0 when nothing is overdue, 1 when something is, 2 when the arguments or the data "
        "cannot be used (a workbook a clock needs is missing), so a scheduled task can raise the alarm.",
    )
    _add_data_dir(p)
    p.add_argument(
        "--now",
        metavar="MOMENT",
        help='the moment to look from, UK time: "2026-03-10 09:00", "10/03/2026 09:00" or ISO 8601 (default: '
        "the current time in Europe/London); the academic year is the one holding it",
    )
    p.add_argument(
        "--within",
        type=float,
        default=7,
        metavar="DAYS",
        help="a date clock is 'due soon' when it falls within this many days (default: 7); an hour clock "
        "within 24 hours, whatever this says",
    )
    _add_parameter_options(p)
    _add_json_option(p)
    p.add_argument(
        "--ics",
        metavar="FILE.ics",
        help="also write an iCalendar file: one event per clock not yet overdue, at its due time, with a reminder "
        "(importing a newer one updates the events)",
    )
    p.add_argument(
        "--html",
        metavar="FILE.html",
        help="also write a one-page digest for the school's leaders (no personal data, no script)",
    )
    _add_school_option(p, "the calendar and digest")
    return parser


def _add_earlier_years_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--previous",
        metavar="DIR_OR_JSON",
        help="last year's report folder (e.g. reports/2024-25: its findings.json for the trend and its edited "
        "action-plan.xlsx for what happened to last year's actions), or just its findings.json",
    )
    p.add_argument(
        "--history",
        metavar="DIR",
        help="a folder holding earlier years' reports (e.g. reports): every earlier year's findings.json below "
        "it gives the last five years per area",
    )


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    """The rule parameters asked for: the settings file's, then each --param over them."""
    from .params import asked_overrides

    return asked_overrides(args.settings, args.param)


def run_check(args: argparse.Namespace) -> int:
    """``lks-audit check``: the readable summary, or one JSON object with ``--json``."""
    from .intake import check_folder_usable
    from .params import audit_day, checked_overrides

    folder = Path(args.data_dir)
    check_folder_usable(folder, need_readable=True)
    overrides = checked_overrides(_overrides(args))
    audit_day(args.year, args.as_of)  # a year or date that cannot be used is refused before any parsing
    # One short run over data that lives to its end: the cyclic garbage collector would only walk the
    # loaded rows again and again (reference counting still frees what is let go).
    gc.disable()
    from .read import Reading  # python-calamine only: the workbooks parse while pandas is imported below

    reading = Reading(folder)
    from .audit import audit_folder
    from .outputs.findings_json import findings_json_text
    from .rules import load_all_rules
    from .summary_text import format_text_summary

    load_all_rules()  # while the first workbooks still parse: the main thread would only wait for them

    data, result = audit_folder(folder, args.year, args.as_of, overrides, reading=reading)
    for problem in data.problems:
        print(f"lks-audit: {problem}", file=sys.stderr)
    if args.json:
        sys.stdout.write(findings_json_text(result))
    else:
        print(format_text_summary(result))
        if result.notices:
            print("\nNotices (not findings; nothing here changes a rating):")
            for notice in result.notices:
                print(f"  {notice.message}")
    return 0


def run_due(args: argparse.Namespace) -> int:
    """``lks-audit due``: the clocks at ``--now``; 1 when one is overdue, 2 when a clock's data is missing."""
    from .intake import check_folder_usable
    from .params import checked_overrides, given_moment

    folder = Path(args.data_dir)
    check_folder_usable(folder, need_readable=True)
    overrides = checked_overrides(_overrides(args))
    now = given_moment(args.now, "--now")  # refused before any parsing, as check's dates are
    if not 0 <= args.within <= 366:
        raise AuditInputError(f"--within must be a number of days from 0 to 366, got {args.within:g}")
    gc.disable()  # as check: one short run over data that lives to its end
    from .read import Reading

    reading = Reading(folder)
    from .due import due_folder, format_due_text

    data, due = due_folder(folder, now, args.within, overrides, reading=reading)
    for problem in data.problems:
        print(f"lks-audit: {problem}", file=sys.stderr)
    from .due_files import write_due_files

    written = write_due_files(due, data, args.school, args.ics or "", args.html or "")
    sys.stdout.write(due.to_json() if args.json else format_due_text(due) + "\n")
    for path in written:
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    for gap in due.not_assessed:
        print(f"lks-audit: {gap.rule}'s clocks cannot be listed: {gap.reason}", file=sys.stderr)
    if due.not_assessed:
        return 2
    return 1 if due.overdue else 0


def run_report(args: argparse.Namespace) -> int:
    """``lks-audit report``: render the set into OUT/YEAR, then say what was written."""
    from .files import ACTION_PLAN, DPO_ACTIONS
    from .handover import ReportParameters
    from .render import render_report

    asked = ReportParameters(
        school=args.school,
        year=args.year,
        data_dir=args.data_dir,
        as_of=args.as_of or "",
        params=_overrides(args),
        previous=args.previous or "",
        history=args.history or "",
        meeting_date=args.meeting_date or "",
    )
    rendered = render_report(asked, args.out, timeout=args.timeout, notebook=os.environ.get(NOTEBOOK_ENV) or None)
    handed_over = rendered.handed_over
    for problem in handed_over.problems:
        print(f"lks-audit: {problem}", file=sys.stderr)
    for path in rendered.files:
        print(f"wrote {path}")
    for path in rendered.kept:
        print(f"kept {path} (edited since it was published; the set it belonged to was replaced)")
    for name in rendered.not_ours:
        print(f"kept: {name}, not written by lks-audit")
    rules = f"{_count(len(handed_over.carried_rules), 'rule')} ({', '.join(handed_over.carried_rules)})"
    _print_carried(rendered.folder / ACTION_PLAN, rules if handed_over.carried_rules else "", handed_over.hand_rows)
    findings = _count(handed_over.worklist_findings, "finding") if handed_over.worklist_findings else ""
    _print_carried(rendered.folder / DPO_ACTIONS, findings, handed_over.worklist_hand_rows)
    print("Ratings (from the open findings):")
    for title, rating in rendered.ratings.items():
        print(f"  {rating:<5}  {title}")
    assessed = rendered.rules - rendered.not_assessed
    print(f"{assessed} of {rendered.rules} rules assessed; {rendered.not_assessed} not assessed (see the appendix)")
    if rendered.replaced_not_assessed is not None and rendered.not_assessed > rendered.replaced_not_assessed:
        print(
            f"lks-audit: warning: the set this one replaced assessed {rendered.rules - rendered.replaced_not_assessed} "
            f"of {rendered.rules} rules, this one only {assessed}: is a workbook missing from {args.data_dir}?",
            file=sys.stderr,
        )
    return 0


def run_explore(args: argparse.Namespace) -> int:
    """``lks-audit explore``: the DPO's notebook, copied and filled in, then JupyterLab on it until stopped."""
    from .handover import ExploreParameters
    from .lab import check_installed, prepare, start_lab

    check_installed()
    asked = ExploreParameters(
        data_dir=args.data_dir,
        year=args.year,
        as_of=args.as_of or "",
        previous=args.previous or "",
        history=args.history or "",
        params=_overrides(args),
    )
    workspace = prepare(asked, school=args.school, work=args.work)
    if workspace.kept:
        print(f"kept your earlier notebook as {workspace.kept}")
    print(f"wrote {workspace.notebook} (owner-only: it holds personal data once run)")
    print("starting JupyterLab on it; stop it with Ctrl-C", flush=True)
    start_lab(workspace.notebook, browser=not args.no_browser, port=args.port)
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run_validate(args) -> int:
    """``lks-audit validate``: 0 when the data is clean; 1 when problems were found or a requested feedback
    copy could not be written."""
    from .validate import validate_folder

    found = validate_folder(
        Path(args.dir), Path(args.feedback) if args.feedback else None, year=args.year, as_of=args.as_of
    )
    print(found.text)
    for copy in found.copies:
        cells = f"{copy.cells} cell{'s' if copy.cells != 1 else ''} highlighted"
        saved_as = "" if copy.source == copy.path.name else f"a copy of {copy.source}, saved as .xlsx; "
        print(f"feedback copy: {copy.path} ({saved_as}{cells})")
    for path in found.removed:
        print(f"removed {path}: a feedback copy from an earlier run; that workbook has no cell to mark now")
    for failure in found.failures:
        print(f"lks-audit: {failure}", file=sys.stderr)
    # Problems found, like a report that could not be rendered: exit 1, so a script can tell.
    return 1 if found.findings or found.failures else 0


def _print_carried(path: Path, edits_of: str, hand_rows: int) -> None:
    """``carried into PATH: the edits of 2 rules (POL-01, POL-02) and 1 row added by hand`` (nothing to say: no
    line)."""
    carried = ([f"the edits of {edits_of}"] if edits_of else []) + (
        [f"{_count(hand_rows, 'row')} added by hand"] if hand_rows else []
    )
    if carried:
        print(f"carried into {path}: {' and '.join(carried)}")


def _print_kept(moved) -> None:
    for old, kept in moved:
        print(f"kept the old {old.name} as {kept}")


def run_sample(args: argparse.Namespace) -> int:
    """``lks-audit sample``: the made-up school for 2025-26 or the year before, never over filled-in workbooks."""
    from .intake import make_room
    from .params import normalise_year
    from .platforms import EXPORTS_FOLDER
    from .sample import SAMPLE_YEARS, write_sample

    year = normalise_year(args.year)
    if year not in SAMPLE_YEARS:
        raise AuditInputError(f"--year: the sample school has the years {' and '.join(SAMPLE_YEARS)}, not {year}")
    if args.scale < 1:
        raise AuditInputError("--scale must be 1 or more")
    folder = Path(args.dir)
    _print_kept(make_room(folder, args.force, also=(EXPORTS_FOLDER,)))  # the sample's archives, never over others'
    before = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    write_sample(folder, seed=args.seed, scale=args.scale, year=year)
    for path in sorted(p for p in folder.iterdir() if p.name not in before):
        print(f"wrote {path}")
    print(f"the sample school's {year} (seed {args.seed}, scale {args.scale}) is in {folder}")
    return 0


def run_templates(args: argparse.Namespace) -> int:
    """``lks-audit templates``: the blank workbooks, never over filled-in ones."""
    from .intake import make_room
    from .templates import write_templates

    _print_kept(make_room(Path(args.dir), args.force))
    for path in write_templates(Path(args.dir)):
        print(f"wrote {path}")
    return 0


#: Each command's function, by its name.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "templates": run_templates,
    "sample": run_sample,
    "validate": run_validate,
    "check": run_check,
    "report": run_report,
    "explore": run_explore,
    "due": run_due,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AuditInputError as exc:
        print(f"lks-audit: {exc}", file=sys.stderr)
        return 2
    except (ReportFailed, MissingPackage) as exc:
        print(f"lks-audit: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:  # the report says what it left behind; elsewhere there is nothing to say
        print(f"lks-audit: {str(exc) or 'interrupted'}", file=sys.stderr)
        return 130


#: Commands whose process ends with its work: the millions of loaded cells need not be freed one by one
#: on the way out (a tenth of a second at sample scale 50); nothing of theirs runs at exit.
_ENDS_WITHOUT_TEARDOWN = {"check", "validate", "due"}


def run() -> None:
    """The ``lks-audit`` command: :func:`main` on the command line, its return value the exit status."""
    argv = sys.argv[1:]
    try:
        status = main(argv)
        sys.stdout.flush()
        # The work is done and said: a Ctrl-C while Python tears down (its handlers reset) would only turn a
        # finished run into one killed by the signal, with no word said.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except BrokenPipeError:
        # The reader went away (``lks-audit check | head``) with what it wanted: no traceback, and nothing
        # more written to the closed pipe on the way out (Python's documented way, see "signal").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    if argv[:1] and argv[0] in _ENDS_WITHOUT_TEARDOWN:
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    run()
