"""Word documents written as bare OOXML zips, so tests control (and can damage) every part."""

from __future__ import annotations

import io
import zipfile

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def paragraph(text: str, num_id: str | None = None, level: int = 0) -> str:
    """A w:p holding ``text`` (in a list ``num_id`` at ``level`` if given)."""
    numbering = f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>' if num_id else ""
    return f'<w:p>{numbering}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def content_control(inner: str) -> str:
    """Wrap block (or row, or cell) content in a content control (w:sdt)."""
    return f"<w:sdt><w:sdtPr/><w:sdtContent>{inner}</w:sdtContent></w:sdt>"


def cell(text: str) -> str:
    """A table cell holding one paragraph per line of ``text``."""
    return "<w:tc>" + "".join(paragraph(part) for part in text.split("\n")) + "</w:tc>"


def row(*cells: str) -> str:
    """A table row of cells built with `cell` (or wrapped in `content_control`)."""
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def make_docx(body: str, parts: dict[str, str] | None = None) -> bytes:
    """Return a .docx whose body is ``body`` (XML), with extra parts (name -> XML) such as word/header1.xml."""
    members = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELS,
        "word/document.xml": f"<w:document {W_NS}><w:body>{body}</w:body></w:document>",
        **(parts or {}),
    }
    return zip_members({name: xml.encode("utf-8") for name, xml in members.items()})


def zip_members(members: dict[str, bytes]) -> bytes:
    """Return a zip of ``members`` with fixed time stamps, so the same members give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
