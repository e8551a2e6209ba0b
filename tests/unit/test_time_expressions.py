import pytest

from zwgk.parse.time_expressions import find_deadlines, find_frequencies
from zwgk.settings import get_default_settings

TIME = get_default_settings().time


@pytest.mark.parametrize(
    ("text", "deadlines"),
    [
        ("各辖市、区人民政府年底前将清理整合情况报备。", ["年底前"]),
        ("要在今年6月底前完成各项试点任务", ["今年6月底前"]),
        ("2021年底前，系统梳理规章", ["2021年底前"]),
        ("应在1个工作日内公开变更后的信息", ["1个工作日内"]),
        ("最迟5小时内发布权威信息，24小时内举行发布会", ["5小时内", "24小时内"]),
        ("本方案公布后30个工作日内公开", ["30个工作日内"]),
        ("年内实现三级联通，5月底前公布清单", ["年内", "5月底前"]),
        ("及时公开相关信息", []),
    ],
)
def test_deadlines(text: str, deadlines: list[str]) -> None:
    assert find_deadlines(text, TIME) == deadlines


def test_frequencies() -> None:
    text = "按月公开财政收支，每季度公开水质，每五日发布进度，每周发布价格，定期公布情况，按季度公布数据"
    assert find_frequencies(text, TIME) == ["按月", "每季度", "每五日", "每周", "定期", "按季度"]
    assert find_frequencies("作为本部门2018年度工作要点", TIME) == []
