"""Decoding raw files: encodings detected and named, bad bytes refused with file and line."""

import codecs

import pytest

from zwgk.errors import PlanParseError
from zwgk.ingest.decoding import decode_plan_bytes

TEXT = "某某市2020年政务公开工作要点\n一、推进决策公开\n（一）深化预公开。广泛听取公众意见。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_encodings_are_detected_and_named(data: bytes, encoding: str) -> None:
    decoded = decode_plan_bytes(data, "plan.txt")
    assert decoded.encoding == encoding
    assert decoded.lines[1] == "一、推进决策公开"


def test_non_utf8_decoding_is_reported_as_a_warning() -> None:
    assert decode_plan_bytes(TEXT.encode("gbk"), "plan.txt").warnings == ["plan.txt: decoded as gb18030 (not UTF-8)"]
    assert decode_plan_bytes(TEXT.encode("utf-8"), "plan.txt").warnings == []


def test_crlf_line_endings_are_normalised() -> None:
    assert decode_plan_bytes(TEXT.replace("\n", "\r\n").encode(), "p.txt").lines[:2] == ["某某市2020年政务公开工作要点", "一、推进决策公开"]


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "the file is empty", None),
        (b"\n \n\t\n", "only whitespace", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x01", "binary", 3),
        ("第一行\n第二行\x07响铃\n".encode(), "control character U+0007", 2),
        ("plain ascii\nthen caf\xe9\n".encode("latin-1"), "not UTF-8", 2),
    ],
)
def test_bad_bytes_are_refused_with_file_and_line(data: bytes, message: str, line: int | None) -> None:
    with pytest.raises(PlanParseError) as caught:
        decode_plan_bytes(data, "bad.txt")
    assert message in str(caught.value)
    assert str(caught.value).startswith("bad.txt")
    assert caught.value.line == line


def test_a_file_cut_inside_a_character_is_read_with_a_warning() -> None:
    data = TEXT.encode()[:-2]
    decoded = decode_plan_bytes(data, "cut.txt")
    assert decoded.lines[-1].startswith("（一）深化预公开")
    assert len(decoded.warnings) == 1 and "truncated" in decoded.warnings[0] and "line 3" in decoded.warnings[0]


def test_pdf_radical_code_points_become_ideographs() -> None:
    from zwgk.ingest.converters import normalise_radicals

    assert normalise_radicals("⼀、推进政务公开⼯作（⼆），听取意⻅") == "一、推进政务公开工作（二），听取意见"
    assert normalise_radicals("（一）１．，。") == "（一）１．，。"  # full-width forms are left alone
