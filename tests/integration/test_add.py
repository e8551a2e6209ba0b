"""Adding a newly released plan: real .docx/.html/.pdf/GBK inputs built here, end to end."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

import zwgk
from zwgk.commands.adding import AddError, add_plan, make_pinyin, remove_plan
from zwgk.commands.cli import main
from zwgk.errors import PlanParseError
from zwgk.paths import REPO_DIR

BASE = """测试甲市2020年政务公开工作要点
一、推进决策公开
（一）深化预公开。进一步推进重大决策预公开，广泛听取公众意见。
（二）做好解读。每季度开展一次政策解读活动。
二、加强平台建设
（一）办好政府网站。加强内容建设，提升服务水平。
"""
NEXT_YEAR = """测试甲市2021年政务公开工作要点
一、推进决策公开
（一）深化预公开。进一步推进重大决策预公开，广泛听取公众意见。
（二）做好政策解读。每月组织一次政策解读，提升解读质量。
二、加强平台建设
（一）推进数据开放。年底前上线公共数据开放平台。
"""
COUNTY = {"level": "county", "parent_jurisdiction": "样例市", "province": "江苏省"}


def _hash_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data_dir(new_data_dir) -> Path:
    folder = new_data_dir({"base.txt": BASE.encode()})
    zwgk.build_dataset(folder)
    return folder


def _make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("测试乙县2020年政务公开工作要点")
    table = document.add_table(rows=3, cols=5)
    rows = [
        ["序号", "工作任务", "具体要求", "牵头单位", "责任单位"],
        ["1", "一、推进决策公开", "推进重大决策预公开，广泛听取公众意见。", "县政府办公室", "各乡镇"],
        ["2", "", "做好政策解读工作。", "县司法局", ""],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 1).merge(table.cell(2, 1))  # 工作任务 merged vertically over rows 1-2
    table.cell(2, 3).merge(table.cell(2, 4))  # one agency cell across lead and responsible
    document.add_paragraph("各乡镇要抓好落实。")
    document.save(path)
    return path


def _print_pdf(html: str, path: Path, tmp: Path) -> Path:
    page = tmp / "page.html"
    page.write_text(html, encoding="utf-8")
    subprocess.run(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp / 'profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={path}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    return path


def test_pinyin_names() -> None:
    assert [make_pinyin(n) for n in ("常州市", "泰安市", "江苏省", "新会区", "西安市")] == [
        "Changzhou",
        "Tai'an",
        "Jiangsu",
        "Xinhui",
        "Xi'an",
    ]


def test_a_word_document_with_merged_cells_is_added_end_to_end(data_dir: Path, tmp_path: Path) -> None:
    result = add_plan(
        _make_docx(tmp_path / "要点.docx"), {"province": "江苏省", "parent_jurisdiction": "样例市"}, data_dir=data_dir, log=lambda _: None
    )
    assert result.status == "added"
    assert result.plan_id == "jiangsu-yangli-ceshiyi-2020"
    assert (data_dir / "raw" / f"{result.plan_id}.docx").is_file()
    tasks = zwgk.load_tasks(data_dir).set_index("task_id")
    first, second = tasks.loc[f"{result.plan_id}-t001"], tasks.loc[f"{result.plan_id}-t002"]
    assert second.section_1_title == first.section_1_title == "推进决策公开"  # the vertical merge carries down
    assert first.lead_agencies == ["县政府办公室"] and first.responsible_agencies == ["各乡镇"]
    assert second.lead_agencies == second.responsible_agencies == ["县司法局"]  # one cell across both columns
    plan = zwgk.load_plans(data_dir).set_index("plan_id").loc[result.plan_id]
    assert (plan.encoding, plan.layout, plan.jurisdiction_type, plan.level) == ("docx", "table_tab", "county", "county")
    assert plan.closing == "各乡镇要抓好落实。"
    assert any("2 tasks" in line for line in result.lines)


def test_a_web_page_keeps_the_plan_and_drops_the_page(data_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "plan.html"
    page.write_text(
        "<html><head><title>测试丙区政府</title><script>var x = 1;</script></head><body>"
        "<nav>首页 | 政务公开 | 新闻</nav><div class='article'><h1>测试丙区2021年政务公开工作要点</h1>"
        "<p>一、推进决策公开</p><p>（一）深化预公开。进一步推进重大决策预公开。</p>"
        "<p>（二）做好解读。每季度开展解读&amp;回应。</p></div><footer>版权所有：测试丙区人民政府</footer></body></html>",
        encoding="utf-8",
    )
    result = add_plan(page, {"province": "广东省", "parent_jurisdiction": "样例市"}, data_dir=data_dir, log=lambda _: None)
    tasks = zwgk.load_tasks(data_dir)
    texts = tasks.loc[tasks["plan_id"] == result.plan_id, "task_text"].tolist()
    assert texts == ["深化预公开。进一步推进重大决策预公开。", "做好解读。每季度开展解读&回应。"]
    raw_text = "\n".join(zwgk.load_source_lines(data_dir).query("plan_id == @result.plan_id")["line_text"])
    assert "首页" not in raw_text and "var x" not in raw_text and "版权所有" not in raw_text
    plan = zwgk.load_plans(data_dir).set_index("plan_id").loc[result.plan_id]
    assert (plan.encoding, plan.jurisdiction_type) == ("utf-8 (html)", "district")


def test_a_gbk_text_file_is_decoded_and_says_so(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(BASE.replace("测试甲市", "测试丁县").encode("gbk"))
    result = add_plan(path, {"province": "山东省", "parent_jurisdiction": "样例市"}, data_dir=data_dir, log=lambda _: None)
    assert zwgk.load_plans(data_dir).set_index("plan_id").loc[result.plan_id, "encoding"] == "gb18030"
    assert len(zwgk.load_tasks(data_dir).query("plan_id == @result.plan_id")) == 3


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium prints the test PDF; `make test` installs it as root")
def test_a_pdf_with_a_text_layer_is_added_and_a_scan_is_refused(data_dir: Path, tmp_path: Path) -> None:
    html = (
        "<html><body style='font-family: Noto Sans CJK SC'>"
        + "".join(f"<p>{line}</p>" for line in BASE.replace("测试甲市", "测试戊县").splitlines())
        + "</body></html>"
    )
    pdf = _print_pdf(html, tmp_path / "plan.pdf", tmp_path)
    result = add_plan(pdf, {"province": "江苏省", "parent_jurisdiction": "样例市"}, data_dir=data_dir, log=lambda _: None)
    tasks = zwgk.load_tasks(data_dir).query("plan_id == @result.plan_id")
    assert tasks["task_text"].tolist()[0] == "深化预公开。进一步推进重大决策预公开，广泛听取公众意见。"
    assert zwgk.load_plans(data_dir).set_index("plan_id").loc[result.plan_id, "encoding"] == "pdf"
    scan = _print_pdf(
        "<html><body><div style='width:300px;height:300px;background:#333'></div></body></html>", tmp_path / "scan.pdf", tmp_path
    )
    with pytest.raises(PlanParseError, match="no text layer"):
        add_plan(scan, {"province": "江苏省"}, data_dir=data_dir, log=lambda _: None)


def test_legacy_word_files_get_a_conversion_hint(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(PlanParseError, match="libreoffice --headless --convert-to docx"):
        add_plan(path, {}, data_dir=data_dir, log=lambda _: None)


def test_the_same_file_twice_is_a_no_op(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.txt"
    path.write_bytes(BASE.encode())
    before = _hash_tree(data_dir / "raw")
    messages: list[str] = []
    result = add_plan(path, {}, data_dir=data_dir, log=messages.append)
    assert result.status == "unchanged" and "already in the dataset" in messages[0]
    assert _hash_tree(data_dir / "raw") == before


def test_a_different_plan_for_the_same_place_and_year_needs_replace(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "revised.txt"
    path.write_text(BASE.replace("广泛听取公众意见", "广泛听取各方意见"), encoding="utf-8")
    given = {"jurisdiction_en": "Ceshi0", "parent_jurisdiction_en": "Yangli", **COUNTY}
    before = _hash_tree(data_dir)
    with pytest.raises(AddError, match="--replace"):
        add_plan(path, given, data_dir=data_dir, log=lambda _: None)
    assert _hash_tree(data_dir) == before
    result = add_plan(path, given, replace=True, data_dir=data_dir, log=lambda _: None)
    assert result.status == "replaced"
    assert not (data_dir / "raw" / "base.txt").exists()
    assert "广泛听取各方意见" in zwgk.load_tasks(data_dir)["task_text"].iloc[0]
    assert len(zwgk.load_plans(data_dir)) == 1


def test_any_failure_leaves_raw_manifest_and_processed_as_they_were(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _make_docx(tmp_path / "plan.docx")
    before = _hash_tree(data_dir)

    def broken_build(*args: object, **kwargs: object) -> None:
        raise zwgk.ZwgkError("disk full")

    monkeypatch.setattr("zwgk.commands.adding.build_dataset", broken_build)
    with pytest.raises(zwgk.ZwgkError, match="disk full"):
        add_plan(path, {"province": "江苏省", "parent_jurisdiction": "样例市"}, data_dir=data_dir, log=lambda _: None)
    assert _hash_tree(data_dir) == before


def test_missing_metadata_is_asked_for_by_flag(data_dir: Path, tmp_path: Path) -> None:
    untitled = tmp_path / "untitled.txt"
    untitled.write_text("政务公开工作要点\n一、推进公开\n（一）深化预公开。推进预公开。\n（二）做好解读。解读政策。\n", encoding="utf-8")
    with pytest.raises(AddError, match=r"--jurisdiction .* --year"):
        add_plan(untitled, {}, data_dir=data_dir, log=lambda _: None)
    city = tmp_path / "city.txt"
    city.write_text(BASE.replace("测试甲市", "测试己市"), encoding="utf-8")
    with pytest.raises(AddError, match=r"--level prefectural or --level county; which province .* --province"):
        add_plan(city, {}, data_dir=data_dir, log=lambda _: None)
    with pytest.raises(AddError, match="--level prefectural or --level county"):
        add_plan(city, {"province": "江苏省"}, data_dir=data_dir, log=lambda _: None)
    with pytest.raises(AddError, match="--province"):
        add_plan(city, {"level": "prefectural"}, data_dir=data_dir, log=lambda _: None)
    with pytest.raises(AddError, match="contradicts the title"):
        add_plan(city, {"level": "prefectural", "province": "江苏省", "year": 2019}, data_dir=data_dir, log=lambda _: None)


def test_a_new_year_prints_what_changed(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "2021.txt"
    path.write_text(NEXT_YEAR, encoding="utf-8")
    result = add_plan(path, COUNTY, data_dir=data_dir, log=lambda _: None)
    text = "\n".join(result.lines)
    assert "compared with jiangsu-yangli-ceshi0-2020 (measures matched by text, as zwgk.diff_years):" in text
    # 预公开 copied, 解读 now monthly and about quality (reworded), 数据开放 new; 网站建设 dropped
    assert "of its 3 measures 1 new, 1 kept, 1 reworded; of the previous plan's 3, 1 dropped" in text


def test_command_line_add_list_remove(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("ZWGK_DATA_DIR", str(data_dir))
    path = tmp_path / "2021.txt"
    path.write_text(NEXT_YEAR, encoding="utf-8")
    assert main(["add", str(path), "--level", "county", "--parent-jurisdiction", "样例市", "--province", "江苏省"]) == 0
    assert main(["list"]) == 0
    listing = capsys.readouterr().out
    assert "jiangsu-yangli-ceshijia-2021" in listing and "jiangsu-yangli-ceshi0-2020" in listing
    assert main(["remove", "jiangsu-yangli-ceshijia-2021"]) == 0
    assert len(zwgk.load_plans(data_dir)) == 1
    assert main(["remove", "no-such-plan"]) == 1
    assert "no plan no-such-plan" in capsys.readouterr().err


def test_removing_a_plan_is_undone_if_the_rebuild_fails(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "2021.txt"
    path.write_text(NEXT_YEAR, encoding="utf-8")
    add_plan(path, COUNTY, data_dir=data_dir, log=lambda _: None)
    before = _hash_tree(data_dir)
    monkeypatch.setattr("zwgk.commands.adding.build_dataset", lambda *a, **k: (_ for _ in ()).throw(zwgk.ZwgkError("boom")))
    with pytest.raises(zwgk.ZwgkError, match="boom"):
        remove_plan("jiangsu-yangli-ceshijia-2021", data_dir=data_dir, log=lambda _: None)
    assert _hash_tree(data_dir) == before


def _add_list_numbering(document) -> str:
    """Define a Word list 一、/（一） in numbering.xml, as Chinese plans written in Word use; return its numId."""
    from docx.oxml import parse_xml

    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {namespace} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        "</w:abstractNum>"
    ))  # fmt: skip
    numbering.append(parse_xml(f'<w:num {namespace} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def test_word_list_numbering_is_rendered_so_numbered_prose_parses(data_dir: Path, tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    num_id = _add_list_numbering(document)
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document.add_paragraph("测试庚县2022年政务公开工作要点")
    items = [
        (0, "推进决策公开"),
        (1, "深化预公开。进一步推进重大决策预公开。"),
        (1, "做好解读。每季度开展解读。"),
        (0, "加强平台建设"),
        (1, "办好政府网站。加强内容建设。"),
    ]
    for level, text in items:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {namespace}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        )
    path = tmp_path / "numbered.docx"
    document.save(path)
    from zwgk.ingest.converters import docx_to_lines

    lines = docx_to_lines(path.read_bytes(), path)
    assert lines[1:6] == [
        "一、推进决策公开",
        "（一）深化预公开。进一步推进重大决策预公开。",
        "（二）做好解读。每季度开展解读。",
        "二、加强平台建设",
        "（一）办好政府网站。加强内容建设。",
    ]
    result = add_plan(path, {"province": "江苏省", "parent_jurisdiction": "样例市"}, data_dir=data_dir, log=lambda _: None)
    tasks = zwgk.load_tasks(data_dir)
    tasks = tasks[tasks["plan_id"] == result.plan_id]
    assert tasks["task_number"].tolist() == ["（一）", "（二）", "（一）"]
    assert tasks["section_1_title"].tolist() == ["推进决策公开", "推进决策公开", "加强平台建设"]


def test_list_number_formats() -> None:
    from zwgk.ingest.converters import format_list_number

    assert [format_list_number(n, "chineseCounting") for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]
    assert [format_list_number(3, f) for f in ("decimal", "decimalEnclosedCircle", "upperLetter", "decimalFullWidth")] == [
        "3",
        "③",
        "C",
        "３",
    ]


# ---- plans added with no flags: the gazetteer, the nation, special zones ---------------------------------------

REFERENCE = REPO_DIR.parent / "shared" / "reference"
PLAN_BODY = "一、推进决策公开\n（一）深化预公开。推进重大决策预公开。\n（二）做好解读。每季度开展一次政策解读。\n"


def _write_plan(folder: Path, name: str, head: str) -> Path:
    path = folder / name
    path.write_text(head + PLAN_BODY, encoding="utf-8")
    return path


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the State Council's reference plans are in shared/reference beside the repository")
def test_the_state_councils_plans_are_added_with_no_flags_as_national(data_dir: Path) -> None:
    files = sorted(REFERENCE.glob("national_20*.txt"))
    assert files
    for path in files:
        result = add_plan(path, {}, data_dir=data_dir, log=lambda _: None)
        assert result.plan_id == f"national-{path.stem[-4:]}"
    plans = zwgk.load_plans(data_dir).set_index("plan_id")
    national = plans[plans["level"] == "national"]
    assert sorted(national.index) == [f"national-{p.stem[-4:]}" for p in files]
    assert set(national["jurisdiction"]) == set(national["province"]) == {"全国"}
    assert set(national["jurisdiction_type"]) == {"nation"} and set(national["jurisdiction_en"]) == {"China"}
    assert national.loc["national-2019", "doc_number"] == "国办发〔2019〕14号"
    assert national["year"].tolist() == [int(p.stem[-4:]) for p in files]


def test_a_real_place_named_only_in_the_notice_needs_no_flags(data_dir: Path, tmp_path: Path) -> None:
    head = "溧政办发〔2020〕31号\n溧阳市人民政府办公室关于印发《溧阳市2020年政务公开工作要点》的通知\n各镇人民政府：\n现将要点印发给你们。\n溧阳市人民政府办公室\n2020年5月8日\n"
    result = add_plan(_write_plan(tmp_path, "liyang.txt", head), {}, data_dir=data_dir, log=lambda _: None)
    assert result.plan_id == "jiangsu-changzhou-liyang-2020"
    plan = zwgk.load_plans(data_dir).set_index("plan_id").loc[result.plan_id]
    assert (plan.jurisdiction, plan.jurisdiction_type, plan.level, plan.parent_jurisdiction, plan.province) == (
        "溧阳市", "county_city", "county", "常州市", "江苏省",
    )  # fmt: skip
    assert plan.doc_number == "溧政办发〔2020〕31号"
    provincial = _write_plan(
        tmp_path, "hunan.txt", "湖南省人民政府办公厅关于印发2019年政务公开工作主要任务的通知\n2019年政务公开工作主要任务\n"
    )
    assert add_plan(provincial, {}, data_dir=data_dir, log=lambda _: None).plan_id == "hunan-2019"


def test_an_ambiguous_place_is_answered_with_its_real_candidates(data_dir: Path, tmp_path: Path) -> None:
    path = _write_plan(tmp_path, "gulou.txt", "鼓楼区2020年政务公开工作要点\n")
    with pytest.raises(AddError) as raised:
        add_plan(path, {}, data_dir=data_dir, log=lambda _: None)
    message = str(raised.value)
    assert "鼓楼区 is in 4 places in 2020: 南京市 (江苏省), 徐州市 (江苏省), 福州市 (福建省), 开封市 (河南省)" in message
    assert "--parent-jurisdiction" in message and "无锡" not in message
    result = add_plan(path, {"parent_jurisdiction": "福州市"}, data_dir=data_dir, log=lambda _: None)
    assert result.plan_id == "fujian-fuzhou-gulou-2020"


def test_special_zones_take_their_province_from_the_place_named_with_them(data_dir: Path, tmp_path: Path) -> None:
    head = "江苏省苏州工业园区管委会办公室关于印发苏州工业园区2022年政务公开工作实施方案的通知\n苏州工业园区2022年政务公开工作实施方案\n"
    result = add_plan(_write_plan(tmp_path, "sip.txt", head), {}, data_dir=data_dir, log=lambda _: None)
    plan = zwgk.load_plans(data_dir).set_index("plan_id").loc[result.plan_id]
    assert (plan.jurisdiction, plan.jurisdiction_type, plan.level, plan.province) == ("苏州工业园区", "special_zone", "county", "江苏省")
    alone = _write_plan(
        tmp_path, "zone.txt", "云岭新区管理委员会办公室关于印发云岭新区2024年政务公开工作要点的通知\n云岭新区2024年政务公开工作要点\n"
    )
    with pytest.raises(AddError, match=r"which province is 云岭新区 in\? It is a 新区 .* pass --province") as raised:
        add_plan(alone, {}, data_dir=data_dir, log=lambda _: None)
    assert "江苏省" not in str(raised.value)
    result = add_plan(alone, {"province": "云南省"}, data_dir=data_dir, log=lambda _: None)
    assert result.plan_id == "yunnan-yunlingxin-2024"


def test_the_nation_is_never_taken_for_a_city(data_dir: Path, tmp_path: Path) -> None:
    path = _write_plan(tmp_path, "plan.txt", "2024年政务公开工作要点\n")
    with pytest.raises(AddError, match="全国 is the nation \\(level national\\), not provincial") as raised:
        add_plan(path, {"jurisdiction": "全国", "level": "provincial"}, data_dir=data_dir, log=lambda _: None)
    assert "prefecture-level" not in str(raised.value)
    assert add_plan(path, {"jurisdiction": "全国"}, data_dir=data_dir, log=lambda _: None).plan_id == "national-2024"


def test_the_title_check_compares_the_jurisdiction_exactly(new_data_dir) -> None:
    folder = new_data_dir({"plan.txt": BASE.replace("测试甲市", "常州市").encode()}, jurisdiction="州市")
    with pytest.raises(zwgk.ZwgkError, match="the title says 常州市 2020 but the manifest says 州市 2020"):
        zwgk.build_dataset(folder)


# A plan whose numbering skips (（一）（三）): the self-check must say so when it is added.
SKIPPING = NEXT_YEAR.replace("（二）做好政策解读。", "（三）做好政策解读。")


def test_self_check_findings_are_printed_prominently_and_kept(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "2021.txt"
    path.write_text(SKIPPING, encoding="utf-8")
    result = add_plan(path, COUNTY, data_dir=data_dir, log=lambda _: None)
    text = "\n".join(result.lines)
    assert "SELF-CHECK: 1 problem(s) in jiangsu-yangli-ceshijia-2021.txt: the parse may be wrong" in text
    assert "  ! numbering_gap, line 4: （三） follows （一） under 一、推进决策公开" in text
    assert text.count("（三） follows （一）") == 1  # the block, not a second time among the warnings
    plans = zwgk.load_plans(data_dir).set_index("plan_id")
    assert plans.loc["jiangsu-yangli-ceshijia-2021", "n_check_findings"] == 1
    [finding] = plans.loc["jiangsu-yangli-ceshijia-2021", "check_findings"]
    assert finding.startswith("numbering_gap, line 4: ")
    assert plans.loc["jiangsu-yangli-ceshi0-2020", "n_check_findings"] == 0


def test_strict_add_refuses_a_plan_with_findings_and_touches_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("ZWGK_DATA_DIR", str(data_dir))
    path = tmp_path / "2021.txt"
    path.write_text(SKIPPING, encoding="utf-8")
    before = _hash_tree(data_dir)
    flags = ["--level", "county", "--parent-jurisdiction", "样例市", "--province", "江苏省"]
    assert main(["add", str(path), "--strict", *flags]) == 1
    captured = capsys.readouterr()
    assert "SELF-CHECK: 1 problem(s) in 2021.txt" in captured.out and "numbering_gap, line 4" in captured.out
    assert "--strict: the self-check found 1 problem(s); the plan was not added" in captured.err
    assert _hash_tree(data_dir) == before
    path.write_text(NEXT_YEAR, encoding="utf-8")  # a clean plan passes --strict
    assert main(["add", str(path), "--strict", *flags]) == 0
    assert "SELF-CHECK" not in capsys.readouterr().out


def test_adding_a_parent_plan_prints_how_the_plans_below_follow_it(tmp_path: Path) -> None:
    from tests.helpers.datadir import SEED_FILES, copy_repository_plans, read_repository_plan, read_repository_rows

    data_dir = copy_repository_plans(tmp_path / "data", [SEED_FILES["jiangsu-changzhou-2018"], SEED_FILES["jiangsu-suzhou-taicang-2019"]])
    national = {}  # the repository's copies of the State Council's plans, outside the data folder, as a researcher adds them
    for row in read_repository_rows(["national-2018.txt", "national-2019.txt"]):
        national[row["file"]] = tmp_path / row["file"]
        national[row["file"]].write_bytes(read_repository_plan(row["file"], row["sha256"]))
    zwgk.build_dataset(data_dir)
    printed: list[str] = []
    add_plan(national["national-2018.txt"], {}, data_dir=data_dir, log=printed.append)
    text = "\n".join(printed)
    # the 2018 plan becomes 常州 2018's parent (not 太仓 2019's): 62 measures against 75, as in test_alignment
    assert "jiangsu-changzhou-2018 against national-2018: 62 measures: 17 verbatim (27%), 35 adapted (56%), 10 local (16%)" in text
    assert "carries 56 of the parent's 75 measures (75%)" in text
    assert "jiangsu-suzhou-taicang-2019 against" not in text
    printed.clear()
    add_plan(national["national-2019.txt"], {}, data_dir=data_dir, log=printed.append)
    assert any(line.endswith("issued 121 days after it") for line in printed)  # 太仓 2019 prints its notice's date
