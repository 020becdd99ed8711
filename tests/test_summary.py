"""RAG per area as rules.md defines it, on real audits of hand-built schools."""

from school import SIGNED_POLICY, audit, audit_rows, d, write_school


def test_missing_workbook_makes_its_areas_grey_and_names_what_it_blocks_from_real_xlsx(tmp_path):
    # On files: the workbook is missing from a real folder, as a school would leave it out.
    write_school(tmp_path, omit=("incidents_log.xlsx",), Policy=[SIGNED_POLICY])
    result = audit(tmp_path, as_of="2026-07-20")
    areas = result.summary["areas"]
    assert areas["incidents"]["rag"] == "Grey"
    assert areas["incidents"]["rules_not_assessed"] == areas["incidents"]["rules"] == 8
    # DQ-01 is high, but one part missing of the contract's 117 workbooks, sheets and columns stays below
    # systemic_share: Amber. The incidents area itself cannot be rated at all (Grey).
    assert areas["data"]["rag"] == "Amber" and areas["data"]["checked"]["DQ-01"] == 117
    dq01 = [f for f in result.findings if f.rule == "DQ-01"][0]
    assert "INC-01" in dq01.message and "INC-08" in dq01.message


def test_advisory_only_area_is_green_and_medium_is_amber():
    green = audit_rows(as_of="2026-07-20", Policy=[SIGNED_POLICY]).summary["areas"]["governance"]
    assert green["rag"] == "Green" and green["findings"] == 0
    unsigned = [dict(SIGNED_POLICY, **{"Signed by proprietor on": None})]
    amber = audit_rows(as_of="2026-07-20", Policy=unsigned).summary["areas"]["governance"]
    assert amber["counts"]["medium"] == 1 and amber["rag"] == "Amber"  # POL-02 is medium


def test_high_finding_makes_an_area_red():
    stale = [dict(SIGNED_POLICY, **{"Next review due": d(2026, 7, 1)})]
    result = audit_rows(as_of="2026-07-20", Policy=stale)
    assert [f.rule for f in result.findings if f.area == "governance"] == ["POL-01"]
    assert result.summary["areas"]["governance"]["rag"] == "Red"
