"""Converters read every character of .docx, .html and .pdf plans or count it as dropped, with a reason.

The plans here are written for the tests: Word documents as bare OOXML (tests/helpers/docxfiles.py),
PDFs operator by operator (tests/helpers/pdfs.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.docxfiles import W_NS, cell, content_control, make_docx, paragraph, row
from tests.helpers.pdfs import PdfPage, build_pdf, write_table
from zwgk.errors import PlanParseError
from zwgk.ingest.converters import count_chars, read_docx, read_html, read_pdf
from zwgk.ingest.decoding import decode_plan_bytes
from zwgk.ingest.manifest import ManifestEntry
from zwgk.parse.dispatch import parse_plan_bytes
from zwgk.processed.rows import build_plan_rows
from zwgk.schema import ACCOUNTING_GROUPS
from zwgk.settings import get_default_settings

SETTINGS = get_default_settings()
MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
HEADER_TEXT = "测试丙县人民政府办公室文件"
FOOTNOTE_TEXT = "注：本要点由县政务公开办负责解释。"


def plan_accounting(data: bytes, name: str) -> tuple[dict, list[str]]:
    """Parse ``data`` and return its plans-table row and warnings."""
    source = parse_plan_bytes(data, name, SETTINGS)
    rows = build_plan_rows(ManifestEntry(2, name, "x-2024", {}, "0" * 64, "test"), source, SETTINGS)
    return rows.plans[0], rows.warnings


def assert_adds_up(plan: dict) -> None:
    """The accounting groups add up to chars_total."""
    assert sum(plan[name] for name in ACCOUNTING_GROUPS) == plan["chars_total"]


def text_box(text: str) -> str:
    """A run holding a text box, with the compatibility copy Word writes next to it."""
    box = f"<w:txbxContent>{paragraph(text)}</w:txbxContent>"
    return (
        f'<w:r><mc:AlternateContent {MC_NS}><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def sdt_table_docx() -> bytes:
    """A table plan whose title, rows and cells sit in content controls, its closing in a text box."""
    table = (
        "<w:tbl>"
        + row(cell("序号"), cell("工作任务"), cell("责任单位"))
        + row(cell("1"), cell("推进决策公开。重大决策事项前向社会公开征求意见。"), cell("县政府办公室"))
        + content_control(row(cell("2"), cell("做好政策解读。\n主要负责人带头解读重要政策。"), cell("县司法局")))
        + row(cell("3"), content_control(cell("加强平台建设。办好政府网站和政务新媒体。")), content_control(cell("县融媒体中心")))
        + "</w:tbl>"
    )
    body = content_control(paragraph("测试丙县2024年政务公开工作要点")) + table + f"<w:p>{text_box('各乡镇、各部门要抓好落实。')}</w:p>"
    header = f"<w:hdr {W_NS}>{paragraph(HEADER_TEXT)}</w:hdr>"
    footnotes = f'<w:footnotes {W_NS}><w:footnote w:id="1">{paragraph(FOOTNOTE_TEXT)}</w:footnote></w:footnotes>'
    return make_docx(body, {"word/header1.xml": header, "word/footnotes.xml": footnotes})


def test_docx_content_controls_and_text_boxes_are_read() -> None:
    lines = read_docx(sdt_table_docx(), Path("plan.docx")).lines
    assert lines[0] == "测试丙县2024年政务公开工作要点"
    assert lines[lines.index("\t2") : lines.index("\t2") + 4] == ["\t2", "\t做好政策解读。", "主要负责人带头解读重要政策。", "\t县司法局"]
    assert "\t加强平台建设。办好政府网站和政务新媒体。" in lines and "\t县融媒体中心" in lines
    assert lines.count("各乡镇、各部门要抓好落实。") == 1  # the text box once, not its compatibility copy too


def test_docx_headers_and_footnotes_are_counted_as_dropped_with_a_warning() -> None:
    plan, warnings = plan_accounting(sdt_table_docx(), "plan.docx")
    assert_adds_up(plan)
    assert plan["chars_dropped"] == count_chars(HEADER_TEXT) + count_chars(FOOTNOTE_TEXT)
    assert plan["chars_task"] > 0 and plan["chars_closing"] == count_chars("各乡镇、各部门要抓好落实。")
    (warning,) = [warning for warning in warnings if "left out of the text" in warning]
    assert warning.startswith("plan.docx: ") and "Word page headers" in warning and "Word footnotes" in warning
    tasks = parse_plan_bytes(sdt_table_docx(), "plan.docx", SETTINGS).parsed.tasks
    assert [task.agency_cells[0].text for task in tasks] == ["县政府办公室", "县司法局", "县融媒体中心"]


@pytest.mark.parametrize(
    "level",
    [
        '<w:lvl w:ilvl="x"><w:start w:val="one"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>',
        '<w:lvl><w:numFmt/><w:lvlText w:val="%9.%1"/></w:lvl>',
        '<w:lvl w:ilvl="0"><w:start w:val="-5"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/></w:lvl>',
    ],
)
def test_unusual_docx_list_numbering_never_raises(level: str) -> None:
    numbering = (
        f'<w:numbering {W_NS}><w:abstractNum w:abstractNumId="7">{level}</w:abstractNum>'
        '<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num><w:num w:numId="4"/></w:numbering>'
    )
    body = paragraph("测试丁县2024年政务公开工作要点") + paragraph("推进决策公开", "3") + paragraph("做好政策解读", "4", level=9)
    converted = read_docx(make_docx(body, {"word/numbering.xml": numbering}), Path("n.docx"))
    assert converted.lines[1].endswith("推进决策公开") and converted.lines[2] == "做好政策解读"
    assert all(warning.startswith("n.docx: Word list numbering") for warning in converted.warnings)
    assert bool(converted.warnings) == ("one" in level)  # a value that is not a number is reported


def test_damaged_docx_parts_are_parse_errors_naming_the_file() -> None:
    with pytest.raises(PlanParseError, match=r"^bad\.docx: not a readable Word document"):
        read_docx(make_docx("<w:p><w:r><w:t>未闭合"), Path("bad.docx"))


HTML_PAGE = """<!doctype html><html><head><title>测试戊县人民政府</title><script>var track = 1;</script></head>
<body><header>测试戊县人民政府门户网站</header><nav>首页 政务公开</nav>
<main><article><header><h1>测试戊县2024年政务公开工作要点</h1></header>
<p>一、推进决策公开</p><p>（一）做好预公开。重大决策事项公开征求意见。</p>
<p>（二）做好解读。主要负责人带头解读。</p><p>二、加强平台建设</p><p>（一）办好政府网站。加强内容建设。</p>
<footer>测试戊县人民政府办公室</footer></article></main>
<footer>版权所有</footer></body></html>"""


def test_html_keeps_the_article_header_and_footer_and_counts_what_it_drops() -> None:
    page = read_html(HTML_PAGE)
    assert "测试戊县2024年政务公开工作要点" in page.lines and "测试戊县人民政府办公室" in page.lines
    assert "测试戊县人民政府门户网站" not in page.lines and "版权所有" not in page.lines
    assert page.dropped == {
        "web page <head>": count_chars("测试戊县人民政府var track = 1;"),
        "web page <header>": count_chars("测试戊县人民政府门户网站"),
        "web page <nav>": count_chars("首页 政务公开"),
        "web page <footer>": count_chars("版权所有"),
    }
    plan, warnings = plan_accounting(HTML_PAGE.encode(), "page.html")
    assert_adds_up(plan)
    assert plan["chars_dropped"] >= sum(page.dropped.values())
    assert any(warning.startswith("page.html: ") and "web page <nav>" in warning for warning in warnings)
    assert parse_plan_bytes(HTML_PAGE.encode(), "page.html", SETTINGS).parsed.front.title == "测试戊县2024年政务公开工作要点"


def table_pdf(encrypt: bool = False) -> bytes:
    """A one-page PDF: a title, a ruled task table (a cell merged over two rows, a wrapped cell) and a closing line."""
    page = PdfPage()
    page.text(60, 800, "测试己县2024年政务公开工作要点", 14)
    columns = [50, 90, 200, 420, 545]
    rows = [
        ["序号", "工作任务", "具体要求", "责任单位"],
        ["1", "推进决策公开", "重大决策事项公开征求意见，\n及时反馈采纳情况。", "县政府办公室"],
        ["2", "", "主要负责人带头解读重要政策。", "县司法局"],
        ["3", "加强平台建设", "办好政府网站和政务新媒体。", "县融媒体中心"],
    ]
    bottom = write_table(page, 760, columns, rows)
    merged_rule = f"0.8 w {columns[0]} 700 m {columns[-1]} 700 l S"  # under row 1: left out in the 工作任务 column
    page.operations.remove(merged_rule)
    page.line(columns[0], 700, columns[1], 700)
    page.line(columns[2], 700, columns[-1], 700)
    page.text(60, bottom - 30, "各乡镇、各部门要抓好落实。")
    return build_pdf([page], encrypt=encrypt)


def test_a_pdf_task_table_is_read_as_a_table() -> None:
    converted = read_pdf(table_pdf(), Path("plan.pdf"))
    lines = converted.lines
    assert lines[0] == "测试己县2024年政务公开工作要点" and lines[-1] == "各乡镇、各部门要抓好落实。"
    start = lines.index("\t2")
    assert lines[start : start + 4] == ["\t2", "\t", "\t主要负责人带头解读重要政策。", "\t县司法局"]  # merged from above: empty cell
    assert "\t重大决策事项公开征求意见，" in lines and "及时反馈采纳情况。" in lines
    assert converted.dropped == {}
    tasks = parse_plan_bytes(table_pdf(), "plan.pdf", SETTINGS).parsed.tasks
    assert [task.agency_cells[0].text for task in tasks] == ["县政府办公室", "县司法局", "县融媒体中心"]
    assert tasks[0].text == "重大决策事项公开征求意见，及时反馈采纳情况。"
    plan, _ = plan_accounting(table_pdf(), "plan.pdf")
    assert_adds_up(plan)
    assert plan["chars_dropped"] == 0


def test_a_password_protected_pdf_says_so() -> None:
    with pytest.raises(PlanParseError, match=r"^locked\.pdf: the PDF is encrypted / password-protected: .*qpdf --decrypt"):
        decode_plan_bytes(table_pdf(encrypt=True), "locked.pdf")


def test_bookmark_artefacts_add_up_to_chars_total() -> None:
    text = (
        "测试庚县2024年政务公开工作要点\n[bookmark: _Toc 1]\n一、推进决策公开[bookmark: OLE_LINK1]\n"
        "（一）做好预公开。[bookmark: a b c]重大决策事项公开征求意见。\n（二）做好解读。主要负责人带头解读。\n"
    )
    plan, _ = plan_accounting(text.encode(), "bookmarks.txt")
    assert_adds_up(plan)
    assert plan["chars_dropped"] == count_chars("[bookmark: _Toc 1][bookmark: OLE_LINK1][bookmark: a b c]")


def test_a_pdf_cell_merged_across_columns_is_one_cell() -> None:
    page = PdfPage()
    page.text(60, 800, "测试子县2024年政务公开工作要点", 14)
    columns = [50, 90, 300, 420, 545]
    rows = [
        ["序号", "具体要求", "牵头单位", "责任单位"],
        ["1", "做好政策解读工作。", "县政府办公室", ""],
        ["2", "办好政府网站。", "县融媒体中心", "各乡镇"],
    ]
    write_table(page, 760, columns, rows)
    page.operations.remove(f"0.8 w {columns[3]} 760 m {columns[3]} 670 l S")  # no rule between the agency cells of row 1
    page.line(columns[3], 760, columns[3], 730)
    page.line(columns[3], 700, columns[3], 670)
    lines = read_pdf(build_pdf([page]), Path("merged.pdf")).lines
    start = lines.index("\t1")
    assert lines[start : start + 4] == ["\t1", "\t做好政策解读工作。", "\t县政府办公室", ""]
    assert lines[start + 4 : start + 9] == ["\t2", "\t办好政府网站。", "\t县融媒体中心", "\t各乡镇", ""]


def test_pdf_text_beside_a_table_is_counted_as_dropped() -> None:
    page = PdfPage()
    page.text(60, 800, "测试丑县2024年政务公开工作要点", 14)
    write_table(page, 760, [50, 90, 300, 420], [["序号", "具体要求", "责任单位"], ["1", "做好政策解读工作。", "县政府办公室"]])
    page.text(440, 740, "旁注文字")
    converted = read_pdf(build_pdf([page]), Path("aside.pdf"))
    assert converted.dropped == {"PDF text beside a table or across its edge": count_chars("旁注文字")}
    assert "\t做好政策解读工作。" in converted.lines
