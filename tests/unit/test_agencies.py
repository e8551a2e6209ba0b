import pytest

from zwgk.parse.agencies import classify_agency_kind, looks_like_agency_list, parse_agency_cell, split_agency_text
from zwgk.settings import get_default_settings

CFG = get_default_settings().agencies


def _names_roles(text: str, role: str) -> list[tuple[str, str]]:
    return [(m.name, m.role) for m in parse_agency_cell(text, role, CFG)]


def test_split_respects_brackets_and_protected_collectives() -> None:
    assert split_agency_text("各镇（街、区），区政府各部门、各直属机构", CFG) == ["各镇（街、区）", "区政府各部门", "各直属机构"]
    assert split_agency_text("各辖市、区人民政府，市各有关部门", CFG) == ["各辖市、区人民政府", "市各有关部门"]
    assert split_agency_text("区审计局、、区卫生计生局", CFG) == ["区审计局", "区卫生计生局"]


def test_role_markers_close_clauses_and_others_take_the_column_role() -> None:
    assert _names_roles("区编办牵头，各镇（街、区），区政府各部门负责", "lead_and_responsible") == [
        ("区编办", "lead"),
        ("各镇（街、区）", "responsible"),
        ("区政府各部门", "responsible"),
    ]
    assert _names_roles("区委区府办公室牵头，区档案局配合", "lead_and_responsible") == [
        ("区委区府办公室", "lead"),
        ("区档案局", "cooperating"),
    ]
    assert _names_roles("市财政局、市国资委按职责分工分别牵头落实", "lead") == [("市财政局", "lead"), ("市国资委", "lead")]
    assert _names_roles("各县（市、区）", "responsible") == [("各县（市、区）", "responsible")]
    assert _names_roles("市政务办、各辖市、区人民政府", "lead_and_responsible") == [
        ("市政务办", "lead_and_responsible"),
        ("各辖市、区人民政府", "lead_and_responsible"),
    ]


def test_shared_prefix_expands_only_bare_agency_names() -> None:
    mentions = parse_agency_cell("市发改委、国土局、人行泰安市中心支行、泰安银监分局、新会国土资源分局、食药监局等有关单位", "lead", CFG)
    assert [m.name for m in mentions] == ["市发改委", "市国土局", "人行泰安市中心支行", "泰安银监分局", "新会国土资源分局", "市食药监局"]
    assert [m.is_prefix_expanded for m in mentions] == [False, True, False, False, False, True]
    assert mentions[-1].name_raw == "食药监局等有关单位"


def test_collectives_are_flagged() -> None:
    flags = {m.name: m.is_collective for m in parse_agency_cell("各镇（街、区），区政府各部门、区财政局、市各有关部门", "responsible", CFG)}
    assert flags == {"各镇（街、区）": True, "区政府各部门": True, "区财政局": False, "市各有关部门": True}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("市政府办公室", "government_office"),
        ("区委区府办公室", "government_office"),
        ("市政务服务中心管理办公室", "government_services"),
        ("市编办", "establishment"),
        ("区委宣传部", "publicity_cyberspace"),
        ("市发展改革委", "development_reform"),
        ("各县（市、区）", "lower_government"),
        ("天宁区人民政府", "lower_government"),
        ("市各有关部门", "all_departments"),
        ("人行泰安市中心支行", "finance_regulation"),
        ("市人力资源社会保障局", "human_resources"),
        ("某某研究会秘书处", "other"),
    ],
)
def test_agency_kinds(name: str, kind: str) -> None:
    assert classify_agency_kind(name, CFG)[0] == kind


def test_agency_lists_are_told_from_headings_and_content() -> None:
    assert looks_like_agency_list("区财政局牵头，各镇（街、区），区政府各部门、各直属机构负责", CFG)
    assert looks_like_agency_list("市教育局、民政局等有关单位", CFG)
    assert not looks_like_agency_list("以政务公开助力稳增长", CFG)
    assert not looks_like_agency_list("公开煤炭企业改革重组信息。", CFG)
    assert not looks_like_agency_list("", CFG)
