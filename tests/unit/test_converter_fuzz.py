"""Converter fuzz: damaged .docx, odd Word numbering, malformed web pages and damaged PDFs.

Only `PlanParseError` may escape, and whenever a plan parses its text accounting adds up
(chars_task + heading + front + closing + dropped == chars_total). The inputs are built here.
"""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers.docxfiles import W_NS, make_docx, paragraph, zip_members
from tests.helpers.pdfs import PdfPage, build_pdf, write_table
from tests.unit.test_converters import HTML_PAGE, assert_adds_up, plan_accounting, sdt_table_docx, table_pdf
from zwgk.errors import PlanParseError

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_parses_or_refuses(data: bytes, name: str) -> None:
    """Parsing ``data`` either raises PlanParseError naming the file or gives an accounting that adds up."""
    try:
        plan, _ = plan_accounting(data, name)
    except PlanParseError as error:
        assert error.file == name
        return
    assert_adds_up(plan)


def numbered_docx(numbering: str | None) -> bytes:
    """A numbered prose plan whose list numbers come from ``numbering`` (word/numbering.xml)."""
    body = paragraph("测试辛县2024年政务公开工作要点") + "".join(
        paragraph(text, "1", level)
        for level, text in [(0, "推进决策公开"), (1, "做好预公开。重大决策事项公开征求意见。"), (1, "做好解读。主要负责人带头解读。")]
    )
    return make_docx(body, {"word/numbering.xml": numbering} if numbering else None)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


BASE_DOCX = _members(sdt_table_docx())
MUTATIONS = st.sampled_from(["delete", "truncate", "garble"])


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(sorted(BASE_DOCX)), MUTATIONS, st.integers(0, 4000), st.binary(max_size=12)), max_size=4))
def test_mutated_docx_members_raise_only_parse_errors(mutations: list[tuple[str, str, int, bytes]]) -> None:
    members = dict(BASE_DOCX)
    for name, kind, offset, junk in mutations:
        if name not in members:
            continue
        content = members[name]
        if kind == "delete":
            del members[name]
        elif kind == "truncate":
            members[name] = content[: offset % (len(content) + 1)]
        else:
            at = offset % (len(content) + 1)
            members[name] = content[:at] + junk + content[at + len(junk) :]
    assert_parses_or_refuses(zip_members(members), "mutated.docx")


@FUZZ
@given(st.integers(0, 10_000), st.binary(min_size=1, max_size=16))
@example(1620, b"\x00\x00@")  # a central directory claiming zip version 6.4: zipfile raised NotImplementedError
def test_damaged_docx_archives_raise_only_parse_errors(offset: int, junk: bytes) -> None:
    data = sdt_table_docx()
    at = offset % len(data)
    assert_parses_or_refuses(data[:at] + junk + data[at + len(junk) :], "damaged.docx")


ODD_VALUES = st.one_of(st.sampled_from(["0", "1", "-1", "8", "99", "x", "", "1.5", "１"]), st.text(max_size=4))
FORMATS = st.sampled_from(["decimal", "chineseCounting", "decimalEnclosedCircle", "upperLetter", "bullet", "none", "bogus", ""])


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


@FUZZ
@given(st.lists(st.tuples(ODD_VALUES, ODD_VALUES, FORMATS, ODD_VALUES), max_size=4), ODD_VALUES, ODD_VALUES)
def test_odd_word_numbering_definitions_never_raise(levels: list[tuple[str, str, str, str]], abstract_id: str, num_id: str) -> None:
    xml_levels = "".join(
        f'<w:lvl w:ilvl="{_attribute(ilvl)}"><w:start w:val="{_attribute(start)}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="%{_attribute(text)}"/></w:lvl>'
        for ilvl, start, fmt, text in levels
    )
    numbering = (
        f'<w:numbering {W_NS}><w:abstractNum w:abstractNumId="{_attribute(abstract_id)}">{xml_levels}</w:abstractNum>'
        f'<w:num w:numId="{_attribute(num_id)}"><w:abstractNumId w:val="{_attribute(abstract_id)}"/></w:num>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    assert_parses_or_refuses(numbered_docx(numbering), "numbered.docx")


HTML_PIECES = st.sampled_from(
    [
        "<article>", "</article>", "<main>", "</main>", "<header>", "</header>", "<footer>", "</footer>", "<nav>", "</nav>",
        "<script>", "</script>", "<style>", "</style>", "<table><tr><td>", "</td><td>", "</td></tr></table>", "<p>", "</p>",
        "<![if !supportLists]>", "<!-- 注释 -->", "<br>", "&nbsp;", "&#x4e00;", "<", ">",
        "测试壬县2024年政务公开工作要点", "一、推进决策公开", "（一）做好预公开。重大决策事项公开征求意见。",
        "（二）做好解读。主要负责人带头解读。", "县政府办公室", "首页", "版权所有",
    ]
)  # fmt: skip


@FUZZ
@given(st.lists(HTML_PIECES, max_size=40))
def test_malformed_web_pages_raise_only_parse_errors(pieces: list[str]) -> None:
    assert_parses_or_refuses(("<html><body>" + "".join(pieces) + "</body></html>").encode(), "page.html")


@FUZZ
@given(st.integers(0, len(HTML_PAGE) - 1), st.text(max_size=8))
def test_a_cut_or_spliced_web_page_raises_only_parse_errors(at: int, junk: str) -> None:
    assert_parses_or_refuses((HTML_PAGE[:at] + junk + HTML_PAGE[at:]).encode(), "page.html")


CELLS = st.sampled_from(["", "1", "推进决策公开", "重大决策事项公开征求意见，\n及时反馈采纳情况。", "县政府办公室", "（一）做好解读。"])


@FUZZ
@given(st.lists(st.lists(CELLS, min_size=1, max_size=4), min_size=1, max_size=6), st.sampled_from(["", "测试癸县2024年政务公开工作要点"]))
def test_generated_pdf_tables_raise_only_parse_errors(rows: list[list[str]], title: str) -> None:
    page = PdfPage()
    page.text(60, 800, title, 14)
    width = max(len(cells) for cells in rows)
    write_table(page, 760, [50 + 120 * k for k in range(width + 1)], [cells + [""] * (width - len(cells)) for cells in rows])
    assert_parses_or_refuses(build_pdf([page]), "generated.pdf")


@FUZZ
@given(st.integers(0, 100_000), st.binary(min_size=1, max_size=16), st.booleans())
def test_damaged_pdfs_raise_only_parse_errors(offset: int, junk: bytes, truncate: bool) -> None:
    data = table_pdf()
    at = offset % len(data)
    assert_parses_or_refuses(data[:at] if truncate else data[:at] + junk + data[at + len(junk) :], "damaged.pdf")
