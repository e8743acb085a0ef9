"""The one GOV.UK date field (vcs_portal.core.forms.GovDateField): its messages and its checks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from vcs_portal.core.forms import GovDateField


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def message(field: GovDateField, value: list[str]) -> str:
    with pytest.raises(ValidationError) as error:
        field.clean(value)
    return error.value.messages[0]


def test_a_real_date_is_returned():
    assert GovDateField(what="the date of birth").clean(["27", "3", "1985"]) == dt.date(1985, 3, 27)


def test_an_empty_required_date_asks_for_it():
    assert message(GovDateField(what="the date of birth"), ["", "", ""]) == "Enter the date of birth"


def test_an_empty_optional_date_is_none():
    assert GovDateField(what="the date of birth", required=False).clean(["", "", ""]) is None


def test_every_missing_part_is_named_and_marked():
    field = GovDateField(what="the date of birth")
    assert message(field, ["", "", "1985"]) == "The date of birth must include a day and month"
    assert [bool(f.widget.errors) for f in field.fields] == [True, True, False]


def test_an_impossible_date_is_not_real():
    assert message(GovDateField(what="the date of birth"), ["31", "2", "1985"]) == (
        "The date of birth must be a real date"
    )


def test_a_two_digit_year_is_refused():
    assert message(GovDateField(what="the date of birth"), ["1", "2", "85"]) == "Year must include 4 numbers"


def test_past_refuses_today():
    field = GovDateField(what="the date of birth", past=True)
    assert message(field, ["5", "1", "2027"]) == "The date of birth must be in the past"


def test_not_future_allows_today_but_not_tomorrow():
    field = GovDateField(what="the date of sentence", not_future=True)
    assert field.clean(["5", "1", "2027"]) == dt.date(2027, 1, 5)
    assert message(field, ["6", "1", "2027"]) == "The date of sentence must be today or in the past"
