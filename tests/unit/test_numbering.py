import pytest

from zwgk.parse.numbering import NumberingHierarchy, match_number
from zwgk.settings import get_default_settings

STYLES = get_default_settings().layout.numbering


@pytest.mark.parametrize(
    ("text", "style", "number", "rest"),
    [
        ("一、推进政务运行公开透明", "cn_dun", "一、", "推进政务运行公开透明"),
        ("\u3000\u3000(一)提高解读和回应实效", "cn_paren", "(一)", "提高解读和回应实效"),
        ("（十一）持续推进", "cn_paren", "（十一）", "持续推进"),
        ("1. 提升政策解读质量。", "arabic_dot", "1.", "提升政策解读质量。"),
        ("12．全角点", "arabic_dot", "12．", "全角点"),
        ("3、顿号编号", "arabic_dot", "3、", "顿号编号"),
        ("（１）全角数字", "arabic_paren", "（１）", "全角数字"),
        ("②圈码", "circled", "②", "圈码"),
    ],
)
def test_numbering_styles_are_recognised_as_written(text: str, style: str, number: str, rest: str) -> None:
    found = match_number(text, STYLES)
    assert found is not None
    assert (found.style, found.number, found.rest) == (style, number, rest)


@pytest.mark.parametrize("text", ["2021年底前完成", "1-2个试点领域", "12345政务热线", "1.5倍", "各地各部门", ""])
def test_text_that_only_starts_with_digits_is_not_numbered(text: str) -> None:
    assert match_number(text, STYLES) is None


def test_hierarchy_follows_first_appearance_and_returns_to_known_levels() -> None:
    hierarchy = NumberingHierarchy()
    styles = ["cn_dun", "cn_paren", "arabic_dot", "arabic_dot", "cn_paren", "cn_dun", "cn_paren"]
    assert [hierarchy.assign_level(s) for s in styles] == [1, 2, 3, 3, 2, 1, 2]


def test_hierarchy_of_a_document_that_starts_lower() -> None:
    hierarchy = NumberingHierarchy()
    assert [hierarchy.assign_level(s) for s in ["arabic_dot", "arabic_paren", "arabic_dot"]] == [1, 2, 1]
