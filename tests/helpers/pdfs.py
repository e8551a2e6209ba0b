"""Small PDFs written operator by operator, for converter tests (no PDF library is needed).

Text uses the standard Chinese font STSong-Light through the UniGB-UCS2-H encoding, which
PDF readers (pdfminer included) map back to Unicode without an embedded font.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAGE_WIDTH, PAGE_HEIGHT = 595, 842


@dataclass
class PdfPage:
    """Drawing operations of one page, in PDF user space (origin bottom left, points)."""

    operations: list[str] = field(default_factory=list)

    def text(self, x: float, y: float, text: str, size: float = 10) -> None:
        """Write ``text`` (BMP characters) with its baseline at (x, y)."""
        encoded = "".join(f"{ord(char):04X}" for char in text)
        self.operations.append(f"BT /F1 {size} Tf 1 0 0 1 {x} {y} Tm <{encoded}> Tj ET")

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Stroke a ruling line."""
        self.operations.append(f"0.8 w {x0} {y0} m {x1} {y1} l S")


def write_table(page: PdfPage, top: float, columns: list[float], rows: list[list[str]], row_height: float = 30) -> float:
    """Draw a ruled table (``columns``: the x of every vertical rule); return the y of its bottom rule.

    A cell's text may hold ``\\n`` (its lines stacked); an empty string leaves the cell empty.
    """
    bottom = top - row_height * len(rows)
    for index in range(len(rows) + 1):
        page.line(columns[0], top - index * row_height, columns[-1], top - index * row_height)
    for x in columns:
        page.line(x, top, x, bottom)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            for k, part in enumerate(cell.split("\n")):
                page.text(columns[c] + 3, top - r * row_height - 11 - k * 11, part, size=9)
    return bottom


def build_pdf(pages: list[PdfPage], encrypt: bool = False) -> bytes:
    """Return the bytes of a PDF holding ``pages``; ``encrypt`` adds a user password (not the empty one)."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) "
        "/Supplement 4 >> /FontDescriptor 5 0 R /DW 1000 >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        "/Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >>",
    ]
    kids = []
    for page in pages:
        content = "\n".join(page.operations).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = objects[1].format(" ".join(kids), len(kids))
    trailer = ""
    if encrypt:
        objects.append(f"<< /Filter /Standard /V 1 /R 2 /O <{'ab' * 32}> /U <{'cd' * 32}> /P -4 >>")
        trailer = f" /Encrypt {len(objects)} 0 R /ID [<{'01' * 16}> <{'01' * 16}>]"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + (body if isinstance(body, bytes) else body.encode("latin-1")) + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode("latin-1")
    return bytes(out)
