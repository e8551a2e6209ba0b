from hypothesis import given
from hypothesis import strategies as st

from zwgk.parse.measures import split_measures
from zwgk.settings import get_default_settings

LAYOUT = get_default_settings().layout


def test_sentences_clauses_and_title_offset() -> None:
    text = "提升解读质量。围绕重点，做好解读。加强把控；回应关切。（1）建立机制（2）完善流程①定期评估"
    measures = split_measures(text, LAYOUT, body_start=len("提升解读质量。"))
    assert [m.text for m in measures] == ["围绕重点，做好解读。", "加强把控；", "回应关切。", "（1）建立机制", "（2）完善流程", "①定期评估"]
    for m in measures:
        assert text[m.char_start : m.char_end] == m.text


def test_a_title_only_task_is_one_measure() -> None:
    assert [m.text for m in split_measures("建立健全公共企事业单位信息公开制度", LAYOUT, body_start=17)] == [
        "建立健全公共企事业单位信息公开制度"
    ]


def test_punctuation_only_pieces_are_not_measures() -> None:
    assert [m.text for m in split_measures("公开信息。。；", LAYOUT)] == ["公开信息。"]


@given(st.text(alphabet=st.sampled_from(list("公开信息政务，。；（1）①2.：\n ")), max_size=80))
def test_offsets_always_point_at_the_measure(text: str) -> None:
    previous_end = 0
    for measure in split_measures(text, LAYOUT):
        assert text[measure.char_start : measure.char_end] == measure.text
        assert measure.char_start >= previous_end
        previous_end = measure.char_end
