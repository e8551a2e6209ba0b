"""Read a raw plan file into lines of text, detecting and reporting its encoding or format.

Plans come from government sites in UTF-8, GB18030/GBK or UTF-16; some downloads are
empty, binary or cut off. Every case gets a clear `PlanParseError` naming the file (and
the line where one applies), or a warning when the text is usable but damaged.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from zwgk.errors import PlanParseError
from zwgk.ingest.converters import convert_binary, looks_like_html, read_html
from zwgk.settings import get_input_limits

# Encodings accepted from detection, mapped to the codec used to decode (supersets).
_CHINESE_CODECS = {
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "hz": "hz",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "big5hkscs",
    "utf_16": "utf-16",
    "utf_16_le": "utf-16-le",
    "utf_16_be": "utf-16-be",
}
# Control characters (Unicode category Cc) other than TAB, FF and VT: the file is binary, not text.
_CONTROL = re.compile("[\x00-\x08\x0a\x0d-\x1f\x7f-\x9f]")
_MIN_CJK_SHARE = 0.2  # of non-space characters, for text decoded from a guessed encoding


@dataclass
class DecodedText:
    """The text of one raw file, with the encoding it was decoded from.

    ``dropped`` maps a reason to the non-white-space characters a converter left out of
    ``lines`` (a Word page header, a web page's scripts): the accounting counts them as
    dropped, so nothing read from the file goes missing unreported.
    """

    path: Path
    sha256: str
    encoding: str
    lines: list[str]
    warnings: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)


def compute_sha256(data: bytes) -> str:
    """Return the hex sha256 of ``data`` (the manifest records it for every raw file)."""
    return hashlib.sha256(data).hexdigest()


def decode_plan_bytes(data: bytes, path: str | Path, starts_item: Callable[[str], bool] | None = None) -> DecodedText:
    """Decode the bytes of a plan file, or raise `PlanParseError` saying why not.

    ``starts_item`` (whether a line opens a numbered item) keeps a PDF's wrapped lines from
    being joined onto a numbered line; the parser passes its numbering in.
    """
    path = Path(path)
    limits = get_input_limits()
    if len(data) > limits.max_file_bytes:
        raise PlanParseError(
            path,
            f"the file is {len(data):,} bytes, more than the {limits.max_file_bytes:,} a plan may be (config/limits.yaml): "
            "is it a plan? Split it or pass the plan's own file",
        )
    if not data.strip():
        raise PlanParseError(path, "the file is empty" if not data else "the file holds only whitespace")
    converted = convert_binary(data, path, starts_item) if starts_item else convert_binary(data, path)
    if converted is not None:
        check_line_limits(converted.lines, path)
        warnings = [*converted.warnings, *_dropped_warnings(path, converted.dropped)]
        return DecodedText(path, compute_sha256(data), converted.format, converted.lines, warnings, dict(converted.dropped))
    text, encoding, warnings = _decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    dropped: dict[str, int] = {}
    if looks_like_html(text):
        page = read_html(text, path)
        text, encoding, dropped = "\n".join(page.lines), f"{encoding} (html)", page.dropped
        warnings.extend(_dropped_warnings(path, dropped))
    lines = text.split("\n")
    check_line_limits(lines, path)
    _reject_binary(lines, path)
    if not any(line.strip() for line in lines):
        raise PlanParseError(path, f"the file holds no text once decoded as {encoding}")
    return DecodedText(path, compute_sha256(data), encoding, lines, warnings, dropped)


def _dropped_warnings(path: Path, dropped: dict[str, int]) -> list[str]:
    """One warning naming the file and what the converter left out (counted as chars_dropped)."""
    if not dropped:
        return []
    parts = ", ".join(f"{chars} of {reason}" for reason, chars in sorted(dropped.items()))
    return [f"{path}: {sum(dropped.values())} characters left out of the text (counted as dropped): {parts}"]


def check_line_limits(lines: list[str], path: Path) -> None:
    """Raise `PlanParseError` if ``lines`` are more, or one of them longer, than a plan may have.

    The limits (config/limits.yaml) keep the cost of a wrong file bounded: below them every
    later step takes time linear in the size.
    """
    limits = get_input_limits()
    if len(lines) > limits.max_lines:
        raise PlanParseError(
            path,
            f"the file has {len(lines):,} lines, more than the {limits.max_lines:,} a plan may have (config/limits.yaml): is it a plan?",
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > limits.max_line_chars:
            raise PlanParseError(
                path,
                f"the line has {len(line):,} characters, more than the {limits.max_line_chars:,} a line may have (config/limits.yaml): "
                "is it a plan?",
                number,
            )


def _decode(data: bytes, path: Path) -> tuple[str, str, list[str]]:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _decode_strict(data, codec, path), codec, []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            line = data[: exc.start].count(b"\n") + 1
            warning = (
                f"{path}, line {line}: the file ends inside a UTF-8 character ({len(data) - exc.start} byte(s) cut off): it looks truncated"
            )
            return data[: exc.start].decode("utf-8"), "utf-8", [warning]
        utf8_error = exc
    return _decode_detected(data, path, utf8_error)


def _decode_detected(data: bytes, path: Path, utf8_error: UnicodeDecodeError) -> tuple[str, str, list[str]]:
    if b"\x00" in data:
        utf16 = _try_utf16_without_bom(data)
        if utf16 is None:
            raise PlanParseError(path, "the file is binary (it holds NUL bytes), not a text plan", _line_of(data, data.index(b"\x00")))
        return utf16[0], utf16[1], [f"{path}: decoded as {utf16[1]} (not UTF-8, no byte-order mark)"]
    best = from_bytes(data).best()
    codec = _CHINESE_CODECS.get(best.encoding) if best is not None else None
    if codec is None:
        line = _line_of(data, utf8_error.start)
        found = best.encoding if best is not None else "no text encoding"
        raise PlanParseError(
            path, f"the file is not UTF-8 (byte {utf8_error.start}) and looks like {found}, not a Chinese text encoding", line
        )
    text = _decode_strict(data, codec, path)
    if _cjk_share(text) < _MIN_CJK_SHARE:
        raise PlanParseError(path, f"decoded as {codec} the file holds almost no Chinese text: is it a plan?")
    return text, codec, [f"{path}: decoded as {codec} (not UTF-8)"]


def _try_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a byte-order mark: it decodes cleanly into mostly Chinese text."""
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        controls = sum(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text)
        if controls == 0 and _cjk_share(text) >= _MIN_CJK_SHARE:
            return text, codec
    return None


def _decode_strict(data: bytes, codec: str, path: Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise PlanParseError(path, f"cannot be decoded as {codec} at byte {exc.start}: {exc.reason}", _line_of(data, exc.start)) from exc


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _reject_binary(lines: list[str], path: Path) -> None:
    for number, line in enumerate(lines, start=1):
        found = _CONTROL.search(line)
        if found:
            char = found.group()
            raise PlanParseError(path, f"control character U+{ord(char):04X}: the file looks binary, not a text plan", number)


def _cjk_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum("\u4e00" <= c <= "\u9fff" for c in chars) / len(chars)
