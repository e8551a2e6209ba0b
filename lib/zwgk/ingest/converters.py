"""Turn Word documents, web pages and PDFs into the text layouts the parsers read.

Plans arrive as .docx, .html or .pdf as often as text. Each is converted to lines the way
the seed texts were extracted: a Word table becomes tab-flattened rows (each cell a line
starting with a tab, a vertically merged cell left empty, a horizontally merged cell once),
paragraphs become lines, web navigation is left out. The format is recognised from the
bytes, not the file name; legacy .doc/.wps and scanned PDFs get a clear error.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from zwgk.errors import PlanParseError
from zwgk.settings import get_default_settings

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SENTENCE_END = "。；：！？:;!?）)】》”"


def detect_format(data: bytes) -> str:
    """Return docx, pdf, ole (legacy Word/WPS), zip (other archive), broken_zip or text."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "zip"
        except (zipfile.BadZipFile, OSError, EOFError):
            return "broken_zip"
    return "text"


def _never(_line: str) -> bool:
    return False


def looks_like_html(text: str) -> bool:
    """Whether decoded text is a web page rather than plain text."""
    return bool(re.search(r"<(?:!doctype html|html|body|div|p|table|br)\b", text[:20000], re.IGNORECASE))


def convert_binary(data: bytes, path: Path, starts_item: Callable[[str], bool] = _never) -> tuple[list[str], str] | None:
    """Return (lines, format) for a binary plan format, None for text; raise for formats we refuse.

    ``starts_item`` tells whether a line opens a numbered item (the parser's numbering, passed
    in so that ingest does not depend on parse): a PDF's wrapped lines never join one.
    """
    kind = detect_format(data)
    if kind == "docx":
        return docx_to_lines(data, path), "docx"
    if kind == "pdf":
        return pdf_to_lines(data, path, starts_item), "pdf"
    if kind == "ole":
        raise PlanParseError(
            path,
            "a legacy Word (.doc) or WPS file, which zwgk cannot read: convert it to .docx first, "
            "e.g. `libreoffice --headless --convert-to docx FILE`, and add the .docx",
        )
    if kind == "broken_zip":
        raise PlanParseError(path, "a damaged zip or Word (.docx) file: download it again")
    if kind == "zip":
        raise PlanParseError(path, "a zip archive that is not a Word document: unpack it and add the plan inside")
    return None


def _cell_lines(text: str) -> list[str]:
    parts = [part.strip() for part in text.split("\n")]
    return ["\t" + (parts[0] if parts else "")] + [part for part in parts[1:] if part]


def _element_text(element) -> str:
    from docx.oxml.ns import qn

    return "".join(node.text or "" for node in element.iter(qn("w:t")))


def _table_lines(table) -> list[str]:
    """One block per row; a cell continuing a vertical merge is an empty tab line."""
    from docx.oxml.ns import qn

    lines: list[str] = []
    for row in table.rows:
        for tc in row._tr.tc_lst:
            properties = tc.tcPr
            merge = properties.find(qn("w:vMerge")) if properties is not None else None
            if merge is not None and merge.get(qn("w:val")) != "restart":
                lines.append("\t")
                continue
            lines.extend(_cell_lines("\n".join(_element_text(p) for p in tc.iter(qn("w:p")))))
        lines.append("")
    return lines


_CN_DIGITS = "零一二三四五六七八九"
_CN_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "ideographTraditional",
    "japaneseCounting",
    "chineseLegalSimplified",
    "taiwaneseCounting",
}


def format_list_number(value: int, number_format: str) -> str:
    """Render a Word list counter: 3 -> 3 (decimal), 三 (Chinese counting), ③, C, c."""
    if number_format in _CN_FORMATS:
        tens, units = divmod(value, 10)
        head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
        return head + (_CN_DIGITS[units] if units or not head else "") if value < 100 else str(value)
    if number_format == "decimalEnclosedCircle" and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if number_format in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26)
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format == "decimalFullWidth":
        return str(value).translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"})
    return str(value)


class _ListNumbers:
    """Word's automatic list numbers, which are not in the paragraphs' text."""

    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering = {style.style_id: self._num_pr(style.element) for style in document.styles if style.element is not None}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(qn("w:abstractNumId")): self._read_levels(a) for a in numbering.findall(qn("w:abstractNum"))}
        for num in numbering.findall(qn("w:num")):
            reference = num.find(qn("w:abstractNumId"))
            self.levels[num.get(qn("w:numId"))] = abstract.get(reference.get(qn("w:val")) if reference is not None else None, {})

    def _val(self, element, tag: str, default: str) -> str:
        found = element.find(self.qn(tag)) if element is not None else None
        return found.get(self.qn("w:val")) if found is not None else default

    def _read_levels(self, abstract) -> dict[int, tuple[str, str, int]]:
        return {
            int(lvl.get(self.qn("w:ilvl"))): (
                self._val(lvl, "w:numFmt", "decimal"),
                self._val(lvl, "w:lvlText", ""),
                int(self._val(lvl, "w:start", "1")),
            )
            for lvl in abstract.findall(self.qn("w:lvl"))
        }

    def _num_pr(self, element) -> tuple[str, int] | None:
        properties = element.find(self.qn("w:pPr"))
        num_pr = properties.find(self.qn("w:numPr")) if properties is not None else None
        if num_pr is None:
            return None
        return self._val(num_pr, "w:numId", "0"), int(self._val(num_pr, "w:ilvl", "0"))

    def number(self, paragraph) -> str:
        """Advance the list counters for ``paragraph`` and return its rendered number, or ''."""
        found = self._num_pr(paragraph) or self.style_numbering.get(self._val(paragraph.find(self.qn("w:pPr")), "w:pStyle", ""))
        if not found or found[0] not in self.levels or found[1] not in self.levels[found[0]]:
            return ""
        num_id, level = found
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, self.levels[num_id][level][2] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        number_format, text, _ = self.levels[num_id][level]
        if number_format in ("bullet", "none"):
            return ""
        for k, (fmt, _, start) in self.levels[num_id].items():
            text = text.replace(f"%{k + 1}", format_list_number(counters.get(k, start), fmt))
        return text


def docx_to_lines(data: bytes, path: Path) -> list[str]:
    """Read a Word document: paragraphs (with Word's list numbers) and tables in document order."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds on broken files
        raise PlanParseError(path, f"not a readable Word document: {exc}") from exc
    numbers = _ListNumbers(document)
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(numbers.number(child) + _element_text(child))
        elif child.tag == qn("w:tbl"):
            lines.extend(["", *_table_lines(Table(child, document)), ""])
    return lines


def _reflow(lines: list[str], starts_item: Callable[[str], bool]) -> list[str]:
    """Join lines a PDF wrapped mid-sentence (a line not ending a sentence continues on the next)."""
    out: list[str] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if out and out[-1] and out[-1][-1] not in _SENTENCE_END and not starts_item(line) and len(out[-1]) > 15:
            out[-1] += line
        else:
            out.append(line)
    return out


def normalise_radicals(text: str) -> str:
    """Replace CJK radical code points by the ideographs they stand for (⼀ -> 一, ⻅ -> 见).

    PDF text layers often carry them where the page shows ordinary ideographs. Kangxi
    radicals map by NFKC; the supplement block by ``config/radicals.yaml``.
    """
    return text.translate(_radical_table())


@functools.cache
def _radical_table() -> dict[int, str]:
    table = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0x2F00, 0x2FD6)}
    table.update({ord(radical): ideograph for radical, ideograph in get_default_settings().radicals.items()})
    return table


def pdf_to_lines(data: bytes, path: Path, starts_item: Callable[[str], bool] = _never) -> list[str]:
    """Read a PDF's text layer, page by page, rejoining wrapped lines."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [normalise_radicals(page.extract_text() or "") for page in pdf.pages]
    except Exception as exc:  # pdfminer raises several kinds on broken files
        raise PlanParseError(path, f"not a readable PDF: {exc}") from exc
    if not "".join(pages).strip():
        raise PlanParseError(path, "the PDF has no text layer (a scan?): run OCR first, e.g. `ocrmypdf in.pdf out.pdf`")
    return _reflow([line for page in pages for line in page.split("\n")], starts_item)


class _HtmlText(HTMLParser):
    """Collect a page's text with its block structure; skip scripts, styles and page chrome."""

    _SKIP = frozenset({"script", "style", "noscript", "nav", "header", "footer", "head", "template"})
    _BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "title", "tr", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in ("td", "th"):
            self.lines.append("\t")
        elif tag in self._BLOCK:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("tr", "table"):
            self.lines.extend(["", ""])
        elif tag in self._BLOCK:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.lines[-1] += re.sub(r"[ \t\r\n]+", " ", data) if not self.lines[-1].startswith("\t") else re.sub(r"\s+", " ", data)


def html_to_lines(text: str) -> list[str]:
    """Turn a web page into lines: blocks on their own lines, table cells as tab lines."""
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    lines: list[str] = []
    for line in parser.lines:
        cleaned = ("\t" + line[1:].strip()) if line.startswith("\t") else line.strip()
        if cleaned or (lines and lines[-1] != ""):
            lines.append(cleaned)
    return lines
