"""The field dictionary: enforced on write, and the data README generated from it."""

import pandas as pd
import pytest

from zwgk.commands.docs import _DICTIONARY_START
from zwgk.errors import DatasetValidationError
from zwgk.paths import REPO_DIR
from zwgk.schema import FIELDS, TABLES, coerce_dtypes, render_data_dictionary, validate_table


def _agency_row(**changes: object) -> dict:
    row = {
        "plan_id": "jiangsu-ceshi-2020",
        "task_id": "jiangsu-ceshi-2020-t001",
        "agency_seq": 1,
        "agency_name": "市财政局",
        "agency_name_raw": "市财政局",
        "role": "lead",
        "agency_kind_id": "finance",
        "agency_kind_zh": "财政",
        "agency_kind_en": "Finance",
        "is_collective": False,
        "is_prefix_expanded": False,
        "is_inherited": False,
    }
    return {**row, **changes}


def test_every_column_of_every_table_is_defined_once() -> None:
    used = {column for table in TABLES.values() for column in table.columns}
    assert used == set(FIELDS)
    for table in TABLES.values():
        assert len(set(table.columns)) == len(table.columns)
        assert set(table.primary_key) <= set(table.columns)


def test_a_valid_table_passes() -> None:
    frame = coerce_dtypes("agencies", pd.DataFrame([_agency_row()]))
    assert len(validate_table("agencies", frame)) == 1


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([_agency_row(role="boss")], "role"),
        ([_agency_row(plan_id="Not An Id")], "plan_id"),
        ([_agency_row(), _agency_row()], "agency_seq"),
    ],
)
def test_invalid_tables_are_refused(rows: list[dict], fragment: str) -> None:
    frame = coerce_dtypes("agencies", pd.DataFrame(rows))
    with pytest.raises(DatasetValidationError, match=fragment):
        validate_table("agencies", frame)


def test_list_columns_must_hold_lists_of_strings() -> None:
    frame = pd.DataFrame(
        [
            {
                "plan_id": "a-2020",
                "task_id": "a-2020-t001",
                "measure_id": "a-2020-t001-m01",
                "measure_seq": 1,
                "text": "公开。",
                "char_start": 0,
                "char_end": 3,
                "deadlines": ["年底前"],
                "frequencies": [1],
            }
        ]
    )
    with pytest.raises(DatasetValidationError, match="list of str"):
        validate_table("measures", coerce_dtypes("measures", frame))


def test_data_readme_holds_the_current_field_dictionary() -> None:
    text = (REPO_DIR / "data" / "README.md").read_text(encoding="utf-8")
    assert _DICTIONARY_START in text, "run `make docs`"
    assert text.split(_DICTIONARY_START)[1].strip() == render_data_dictionary().strip(), "run `make docs`"
