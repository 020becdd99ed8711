"""RAG per area as rules.md defines it, on real audits of hand-built schools."""
from school import audit, d, write_school

POLICY = [{"Policy version": "2025.1", "Approved on": d(2025, 9, 1), "Next review due": d(2026, 9, 1),
           "Signed by chair of governors on": d(2025, 9, 2), "Signed by proprietor on": d(2025, 9, 3)}]


def test_missing_workbook_makes_its_areas_grey_and_data_red(tmp_path):
    write_school(tmp_path, omit=("incidents_log.xlsx",), Policy=POLICY)
    result = audit(tmp_path, as_of="2026-07-20")
    areas = result.summary["areas"]
    assert areas["incidents"]["rag"] == "Grey"
    assert areas["incidents"]["rules_not_assessed"] == areas["incidents"]["rules"] == 8
    assert areas["data"]["rag"] == "Red"  # DQ-01 is high
    dq01 = [f for f in result.findings if f.rule == "DQ-01"][0]
    assert "INC-01" in dq01.message and "INC-08" in dq01.message


def test_advisory_only_area_is_green_and_medium_is_amber(tmp_path):
    write_school(tmp_path, Policy=POLICY)
    green = audit(tmp_path, as_of="2026-07-20").summary["areas"]["governance"]
    assert green["rag"] == "Green" and green["findings"] == 0
    unsigned = [dict(POLICY[0], **{"Signed by proprietor on": None})]
    write_school(tmp_path / "amber", Policy=unsigned)
    amber = audit(tmp_path / "amber", as_of="2026-07-20").summary["areas"]["governance"]
    assert amber["counts"]["medium"] == 1 and amber["rag"] == "Amber"  # POL-02 is medium


def test_high_finding_makes_an_area_red(tmp_path):
    stale = [dict(POLICY[0], **{"Next review due": d(2026, 7, 1)})]
    write_school(tmp_path, Policy=stale)
    result = audit(tmp_path, as_of="2026-07-20")
    assert [f.rule for f in result.findings if f.area == "governance"] == ["POL-01"]
    assert result.summary["areas"]["governance"]["rag"] == "Red"
