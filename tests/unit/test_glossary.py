"""The glossary: longest-match English glosses, pinyin for what it lacks, and a file that is checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from zwgk.analyses.glossary import GlossaryError, find_missing_terms, gloss_text, has_cjk, load_glossary


def _glossary(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "glossary.yaml"
    path.write_text("# a test glossary\nterms:\n" + body, encoding="utf-8")
    return path


def test_the_shipped_glossary_knows_the_fields_terms() -> None:
    glossary = load_glossary()
    assert len(glossary.terms) > 500
    assert glossary.terms["依申请公开"] == "disclosure on request"
    assert glossary.terms["双随机一公开"] == "random inspections with published results"
    assert gloss_text("深入推进政务公开") == "deeply advance government-affairs openness"


def test_the_longest_term_wins_and_punctuation_becomes_english(tmp_path: Path) -> None:
    glossary = load_glossary(_glossary(tmp_path, "  政务: government affairs\n  公开: openness\n  政务公开: government-affairs openness\n"))
    assert gloss_text("政务公开、政务（公开）。", glossary) == "government-affairs openness, government affairs (openness)."


def test_terms_the_glossary_lacks_are_pinyin_in_italics_and_listed(tmp_path: Path) -> None:
    glossary = load_glossary(_glossary(tmp_path, "  公开: openness\n  个: ''\n"))
    text = gloss_text("公开三个台账", glossary)
    assert text == "openness <i>san</i> <i>taizhang</i>" and not has_cjk(text)
    missing = find_missing_terms(["公开台账", "台账", "三个"], glossary)
    assert missing.to_dict("list") == {"term": ["台账", "三"], "count": [2, 1], "pinyin": ["taizhang", "san"]}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  公开: openness\n  信息: information\n  公开: disclosure\n", r"line 5: the term 公开 appears twice"),
        ("  公开: 公开化\n", r"line 3: the gloss of 公开 .* contains Chinese"),
        ("  关于: on\n", r"line 3: the gloss of 关于 must be text \(quote it"),
        ("  openness: openness\n", r"line 3: the term 'openness' has no Chinese character"),
    ],
)
def test_a_bad_glossary_names_the_file_and_the_line(tmp_path: Path, body: str, message: str) -> None:
    path = _glossary(tmp_path, body)
    with pytest.raises(GlossaryError, match=message) as error:
        load_glossary(path)
    assert str(path) in str(error.value)


def test_an_edited_glossary_is_read_again(tmp_path: Path) -> None:
    path = _glossary(tmp_path, "  公开: openness\n")
    assert gloss_text("公开", load_glossary(path)) == "openness"
    path.write_text("terms:\n  公开: disclosure\n", encoding="utf-8")
    assert gloss_text("公开", load_glossary(path)) == "disclosure"


def test_a_text_is_cut_so_that_the_fewest_characters_stay_pinyin(tmp_path: Path) -> None:
    # Longest match from the left takes 和民 and leaves 营 uncovered; the cut that covers everything wins.
    body = (
        "  小微企业: small and micro enterprises\n  和民: (a wrong cut)\n  和: and\n  民营企业: private enterprises\n  企业: enterprises\n"
    )
    glossary = load_glossary(_glossary(tmp_path, body))
    assert gloss_text("小微企业和民营企业", glossary) == "small and micro enterprises and private enterprises"
    # With no cut covering everything, ties in uncovered characters go to the fewest pieces, then the longer first term.
    glossary = load_glossary(
        _glossary(tmp_path, "  事项: matters\n  办事: services\n  清单: lists\n  一次: once\n  事项清单: lists of matters\n")
    )
    assert gloss_text("一次办事项清单", glossary) == "once <i>ban</i> lists of matters"


def test_a_term_may_hold_other_characters_than_chinese(tmp_path: Path) -> None:
    body = "  互联网: internet\n  互联网+政务服务: Internet Plus government services\n  政务服务: government services\n  推进: advance\n"
    glossary = load_glossary(_glossary(tmp_path, body))
    assert gloss_text("推进互联网+政务服务。", glossary) == "advance Internet Plus government services."
    assert gloss_text("互联网 + 政务服务", glossary) == "internet + government services"  # spaced apart, it is not the term
