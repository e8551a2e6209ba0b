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
import itertools
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
        except Exception:  # zipfile raises BadZipFile, NotImplementedError (a "newer" version), ValueError… on damage
            return "broken_zip"
    return "text"


def _never(_line: str) -> bool:
    return False


def looks_like_html(text: str) -> bool:
    """Whether decoded text is a web page rather than plain text."""
    return bool(re.search(r"<(?:!doctype html|html|body|div|p|table|br)\b", text[:20000], re.IGNORECASE))


@dataclass
class Converted:
    """What a converter read: the lines, the format, and every character it left out.

    ``dropped`` maps a reason (page headers, web page scripts…) to the non-white-space
    characters left out for it, so that the plans table's accounting adds up to the whole
    file; ``warnings`` name the file.
    """

    lines: list[str]
    format: str
    dropped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def count_chars(text: str) -> int:
    """Return the non-white-space characters of ``text`` (the unit of the text accounting).

    ``str.split()`` cuts at exactly the characters ``str.isspace()`` accepts, and is about ten
    times quicker than testing each character (counting was a quarter of parsing time).
    """
    return sum(map(len, text.split()))


def convert_binary(data: bytes, path: Path, starts_item: Callable[[str], bool] = _never) -> Converted | None:
    """Return the converted lines of a binary plan format, None for text; raise for formats we refuse.

    ``starts_item`` tells whether a line opens a numbered item (the parser's numbering, passed
    in so that ingest does not depend on parse): a PDF's wrapped lines never join one.
    Whatever a converter raises becomes a `PlanParseError` naming the file.
    """
    kind = detect_format(data)
    try:
        if kind == "docx":
            return read_docx(data, path)
        if kind == "pdf":
            return read_pdf(data, path, starts_item)
    except PlanParseError:
        raise
    except Exception as exc:  # a converter's own failure on a file it cannot follow: still the file's error
        raise PlanParseError(path, f"the {kind} file cannot be converted to text: {_describe(exc)}") from exc
    _refuse_format(kind, path)
    return None


def _refuse_format(kind: str, path: Path) -> None:
    """Raise the error of a binary format zwgk does not read (legacy Word, other archives)."""
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


def _cell_lines(text: str) -> list[str]:
    parts = [part.strip() for part in text.split("\n")]
    return ["\t" + (parts[0] if parts else "")] + [part for part in parts[1:] if part]


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Elements that only wrap block content (content controls, custom XML, tracked insertions).
_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo", _W + "smartTag"}
# Word parts outside the body: read as dropped text, with the reason reported.
_SIDE_PARTS = (
    (re.compile(r"word/header\d*\.xml"), "Word page headers"),
    (re.compile(r"word/footer\d*\.xml"), "Word page footers"),
    (re.compile(r"word/footnotes\.xml"), "Word footnotes"),
    (re.compile(r"word/endnotes\.xml"), "Word endnotes"),
    (re.compile(r"word/comments\.xml"), "Word comments"),
)


def _parse_xml(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    return etree.fromstring(data, parser)


def _text_nodes(element) -> Iterator[str]:
    """Yield the text of ``element``'s w:t nodes, leaving out text boxes and compatibility copies."""
    for child in element:
        if child.tag == _W + "t":
            yield child.text or ""
        elif child.tag not in (_W + "txbxContent", _FALLBACK):
            yield from _text_nodes(child)


def _descendants(element, tag: str, stop: tuple[str, ...] = ()) -> Iterator:
    """Yield the outermost descendants with ``tag``, never looking inside compatibility copies or ``stop``."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag != _FALLBACK and child.tag not in stop:
            yield from _descendants(child, tag, stop)


def _paragraphs(element) -> Iterator:
    """Yield every paragraph inside ``element`` (nested tables and text boxes too) in document order."""
    for child in element:
        if child.tag == _FALLBACK:
            continue
        if child.tag == _W + "p":
            yield child
        yield from _paragraphs(child)


def _body_chars(element) -> int:
    """Non-white-space characters of every w:t in ``element`` (compatibility copies excepted)."""
    total = 0
    for child in element:
        if child.tag == _W + "t":
            total += count_chars(child.text or "")
        elif child.tag != _FALLBACK:
            total += _body_chars(child)
    return total


class _DocxReader:
    """Read a Word body in document order: paragraphs, tables, content controls, text boxes."""

    def __init__(self, numbers: _ListNumbers) -> None:
        self.numbers = numbers
        self.lines: list[str] = []
        self.read_chars = 0

    def _text(self, element) -> str:
        text = "".join(_text_nodes(element))
        self.read_chars += count_chars(text)
        return text

    def read_blocks(self, element) -> None:
        """Read the paragraphs and tables in ``element`` (the body, a content control, a text box)."""
        for child in element:
            if child.tag == _W + "p":
                self.read_paragraph(child)
            elif child.tag == _W + "tbl":
                self.lines.extend(["", *self.read_table(child), ""])
            elif child.tag in _WRAPPERS:
                self.read_blocks(child)

    def read_paragraph(self, paragraph) -> None:
        """One line per paragraph (with its list number); its text boxes follow as their own lines."""
        self.lines.append(self.numbers.number(paragraph) + self._text(paragraph))
        for box in _descendants(paragraph, _W + "txbxContent"):
            self.read_blocks(box)

    def _cell_text(self, cell) -> str:
        return "\n".join(self._text(paragraph) for paragraph in _paragraphs(cell))

    def read_table(self, table) -> list[str]:
        """One block per row; a cell continuing a vertical merge is an empty tab line."""
        lines: list[str] = []
        for row in _descendants(table, _W + "tr", stop=(_W + "tbl",)):
            for cell in _descendants(row, _W + "tc", stop=(_W + "tbl",)):
                properties = cell.find(_W + "tcPr")
                merge = properties.find(_W + "vMerge") if properties is not None else None
                if merge is not None and merge.get(_W + "val") != "restart":
                    lines.append("\t")
                    continue
                lines.extend(_cell_lines(self._cell_text(cell)))
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


def _int(value: str | None, default: int, odd: set[str] | None = None) -> int:
    """``value`` as a number, else ``default`` (the odd value is noted in ``odd``, for a warning)."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        if odd is not None:
            odd.add(repr(value))
        return default


class _ListNumbers:
    """Word's automatic list numbers, which are not in the paragraphs' text.

    Numbering definitions that make no sense (levels without a number, unknown ids) give no
    number for the paragraphs using them, never an error: the text itself is what matters.
    """

    def __init__(self, numbering, styles) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.odd: set[str] = set()  # numbering values that are not numbers (read as the default)
        self.style_numbering = {}
        if styles is not None:
            self.style_numbering = {style.get(_W + "styleId"): self._num_pr(style) for style in styles.findall(_W + "style")}
        if numbering is None:
            return
        abstract = {a.get(_W + "abstractNumId"): self._read_levels(a) for a in numbering.findall(_W + "abstractNum")}
        for num in numbering.findall(_W + "num"):
            reference = num.find(_W + "abstractNumId")
            self.levels[num.get(_W + "numId")] = abstract.get(reference.get(_W + "val") if reference is not None else None, {})

    @staticmethod
    def _val(element, tag: str, default: str) -> str:
        found = element.find(_W + tag) if element is not None else None
        value = found.get(_W + "val") if found is not None else None
        return default if value is None else value

    def _read_levels(self, abstract) -> dict[int, tuple[str, str, int]]:
        return {
            _int(lvl.get(_W + "ilvl"), 0, self.odd): (
                self._val(lvl, "numFmt", "decimal"),
                self._val(lvl, "lvlText", ""),
                _int(self._val(lvl, "start", "1"), 1, self.odd),
            )
            for lvl in abstract.findall(_W + "lvl")
        }

    def _num_pr(self, element) -> tuple[str, int] | None:
        properties = element.find(_W + "pPr")
        num_pr = properties.find(_W + "numPr") if properties is not None else None
        if num_pr is None:
            return None
        return self._val(num_pr, "numId", "0"), _int(self._val(num_pr, "ilvl", "0"), 0, self.odd)

    def number(self, paragraph) -> str:
        """Advance the list counters for ``paragraph`` and return its rendered number, or ''."""
        found = self._num_pr(paragraph) or self.style_numbering.get(self._val(paragraph.find(_W + "pPr"), "pStyle", ""))
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


def read_docx(data: bytes, path: Path) -> Converted:
    """Read a Word document: paragraphs (with Word's list numbers), tables, content controls and
    text boxes in document order; page headers, footers, footnotes and comments are counted as dropped."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = {name: archive.read(name) for name in archive.namelist() if name.startswith("word/") and name.endswith(".xml")}
        document = _parse_xml(parts["word/document.xml"])
    except Exception as exc:  # zipfile, zlib and lxml raise several kinds on broken files
        raise PlanParseError(path, f"not a readable Word document: {_describe(exc)}") from exc
    body = document.find(_W + "body")
    if body is None:
        raise PlanParseError(path, "not a readable Word document: word/document.xml has no body")
    converted = Converted([], "docx")
    reader = _DocxReader(_read_list_numbers(parts, path, converted.warnings))
    try:
        reader.read_blocks(body)
    except (ValueError, TypeError, KeyError, IndexError) as exc:  # list numbering beyond what _ListNumbers guards
        converted.warnings.append(f"{path}: Word list numbers left out ({_describe(exc)})")
        reader = _DocxReader(_ListNumbers(None, None))
        reader.read_blocks(body)
    converted.lines = reader.lines
    if reader.numbers.odd:
        odd = ", ".join(sorted(reader.numbers.odd))
        converted.warnings.append(f"{path}: Word list numbering with values that are not numbers ({odd}): read as level 0 / start 1")
    unread = _body_chars(body) - reader.read_chars
    if unread > 0:
        converted.dropped["Word text in elements zwgk does not read"] = unread
    for name, content in sorted(parts.items()):
        reason = next((reason for pattern, reason in _SIDE_PARTS if pattern.fullmatch(name)), None)
        if reason is not None:
            _count_side_part(converted, name, content, reason, path)
    return converted


def _read_list_numbers(parts: dict[str, bytes], path: Path, warnings: list[str]) -> _ListNumbers:
    try:
        numbering = _parse_xml(parts["word/numbering.xml"]) if "word/numbering.xml" in parts else None
        styles = _parse_xml(parts["word/styles.xml"]) if "word/styles.xml" in parts else None
        return _ListNumbers(numbering, styles)
    except Exception as exc:  # a damaged numbering or styles part costs the list numbers only
        warnings.append(f"{path}: Word list numbers left out, the numbering definitions are unreadable ({_describe(exc)})")
        return _ListNumbers(None, None)


def _count_side_part(converted: Converted, name: str, content: bytes, reason: str, path: Path) -> None:
    try:
        chars = _body_chars(_parse_xml(content))
    except Exception as exc:  # a damaged header part: say so, its characters cannot be counted
        converted.warnings.append(f"{path}: {name} ({reason.lower()}) is unreadable and was left out ({_describe(exc)})")
        return
    if chars:
        converted.dropped[reason] = converted.dropped.get(reason, 0) + chars


def _describe(exc: BaseException) -> str:
    """An exception as a message: its text, or its kind when it has none."""
    return str(exc) or type(exc).__name__


def docx_to_lines(data: bytes, path: Path) -> list[str]:
    """Return the lines of a Word document (see `read_docx`)."""
    return read_docx(data, path).lines


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


_ENCRYPTED = ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning")


def read_pdf(data: bytes, path: Path, starts_item: Callable[[str], bool] = _never) -> Converted:
    """Read a PDF page by page: ruled tables as tab-flattened tables, the rest as text with wrapped lines rejoined."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    converted = Converted([], "pdf")
    segments: list[tuple[bool, list[str]]] = []  # (is_table, lines)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page_segments = _pdf_page_segments(page)
                segments.extend(page_segments)
                unread = count_chars("".join(char["text"] for char in page.chars)) - sum(count_chars("".join(s[1])) for s in page_segments)
                if unread > 0:
                    reason = "PDF text beside a table or across its edge"
                    converted.dropped[reason] = converted.dropped.get(reason, 0) + unread
    except Exception as exc:  # pdfminer and pdfplumber raise many kinds on broken files
        raise PlanParseError(path, _describe_pdf_failure(exc)) from exc
    if not any(line.strip() for _, lines in segments for line in lines):
        raise PlanParseError(path, "the PDF has no text layer (a scan?): run OCR first, e.g. `ocrmypdf in.pdf out.pdf`")
    for is_table, group in itertools.groupby(segments, key=lambda segment: segment[0]):
        lines = [line for _, segment in group for line in segment]
        converted.lines.extend(["", *lines, ""] if is_table else _reflow(lines, starts_item))
    return converted


def _describe_pdf_failure(exc: BaseException) -> str:
    causes = [exc, *exc.args, exc.__cause__, exc.__context__]
    if any(type(cause).__name__ in _ENCRYPTED for cause in causes if cause is not None):
        return (
            "the PDF is encrypted / password-protected: zwgk cannot read it without the password; "
            "save an unprotected copy (e.g. `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`) and add that"
        )
    return f"not a readable PDF: {_describe(exc)}"


def _pdf_page_segments(page) -> list[tuple[bool, list[str]]]:
    """The page's text bands and ruled tables from top to bottom."""
    tables = sorted(page.find_tables(), key=lambda table: table.bbox[1])
    if not tables:
        return [(False, _page_text_lines(page))]
    x0, top, x1, bottom = page.bbox
    segments: list[tuple[bool, list[str]]] = []
    for table in tables:
        if table.bbox[1] > top:
            segments.append((False, _page_text_lines(page.within_bbox((x0, top, x1, table.bbox[1])))))
        segments.append((True, _pdf_table_lines(table)))
        top = max(top, table.bbox[3])
    if bottom > top:
        segments.append((False, _page_text_lines(page.within_bbox((x0, top, x1, bottom)))))
    return segments


def _page_text_lines(page) -> list[str]:
    return normalise_radicals(page.extract_text() or "").split("\n")


def _pdf_table_lines(table) -> list[str]:
    """A ruled table in the tab-flattened form: a tab line per cell, a blank line after each row.

    pdfplumber gives None for a cell covered by a merged one: covered from the left (a
    horizontal merge) it is left out, covered from above (a vertical merge) it is an empty tab line.
    """
    column_x = {}
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if cell is not None:
                column_x[index] = min(column_x.get(index, cell[0]), cell[0])
    lines: list[str] = []
    for row, texts in zip(table.rows, table.extract(), strict=False):
        right = None
        for index, (cell, text) in enumerate(zip(row.cells, texts, strict=False)):
            if cell is not None:
                lines.extend(_cell_lines(normalise_radicals(text or "")))
                right = cell[2]
            elif index in column_x and (right is None or column_x[index] >= right - 1):
                lines.append("\t")
        lines.append("")
    return lines


def pdf_to_lines(data: bytes, path: Path, starts_item: Callable[[str], bool] = _never) -> list[str]:
    """Return the lines of a PDF (see `read_pdf`)."""
    return read_pdf(data, path, starts_item).lines


class _HtmlText(HTMLParser):
    """Collect a page's text with its block structure; leave out (and count) scripts, styles and page chrome.

    Inside <article> or <main> everything with text is kept, its <header> and <footer> too
    (the plan title is often there); outside, headers, footers and navigation are page chrome.
    """

    _CODE = frozenset({"script", "style", "noscript", "template", "head"})
    _CHROME = frozenset({"nav", "header", "footer"})
    _CONTAINERS = frozenset({"article", "main"})
    _BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "title", "tr", "table"})
    _BLOCK |= _CHROME | {"main"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping: list[str] = []  # the open elements being left out, outermost first
        self.containers = 0
        self.dropped: dict[str, int] = {}

    def _leaves_out(self, tag: str) -> bool:
        if self.skipping:
            return tag in self._CODE or tag in self._CHROME
        return tag in self._CODE or (tag in self._CHROME and not self.containers)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self._leaves_out(tag):
            self.skipping.append(tag)
            return
        if self.skipping:
            return
        if tag in self._CONTAINERS:
            self.containers += 1
        if tag in ("td", "th"):
            self.lines.append("\t")
        elif tag in self._BLOCK:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skipping:
            del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag) :]
            return
        if self.skipping:
            return
        if tag in self._CONTAINERS:
            self.containers = max(0, self.containers - 1)
        if tag in ("tr", "table"):
            self.lines.extend(["", ""])
        elif tag in self._BLOCK:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            reason = f"web page <{self.skipping[0]}>"
            self.dropped[reason] = self.dropped.get(reason, 0) + count_chars(data)
        else:
            self.lines[-1] += re.sub(r"[ \t\r\n]+", " ", data) if not self.lines[-1].startswith("\t") else re.sub(r"\s+", " ", data)


def read_html(text: str, path: Path | str = "<html>") -> Converted:
    """Turn a web page into lines: blocks on their own lines, table cells as tab lines; count what is left out."""
    parser = _HtmlText()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser asserts on some malformed markup (<![if …)
        raise PlanParseError(path, f"not a readable web page: {_describe(exc)}") from exc
    lines: list[str] = []
    for line in parser.lines:
        cleaned = ("\t" + line[1:].strip()) if line.startswith("\t") else line.strip()
        if cleaned or (lines and lines[-1] != ""):
            lines.append(cleaned)
    return Converted(lines, "html", {reason: chars for reason, chars in parser.dropped.items() if chars})


def html_to_lines(text: str) -> list[str]:
    """Return the lines of a web page (see `read_html`)."""
    return read_html(text).lines
