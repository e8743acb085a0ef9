"""Courts outside England and Wales: worked examples of the one rule (victims/jurisdiction.py)."""

from __future__ import annotations

import pytest

from victims.jurisdiction import (
    CHANNEL_ISLANDS,
    ISLE_OF_MAN,
    NORTHERN_IRELAND,
    SCOTLAND,
    court_jurisdiction,
    court_outside_england_and_wales,
    postcode_jurisdiction,
)


@pytest.mark.parametrize(
    ("court", "where"),
    [
        ("Glasgow High Court", SCOTLAND),
        ("High Court of Justiciary", SCOTLAND),
        ("Edinburgh Sheriff Court", SCOTLAND),
        ("Perth Sheriff Court", SCOTLAND),
        ("Laganside Crown Court", NORTHERN_IRELAND),
        ("Belfast Crown Court", NORTHERN_IRELAND),
        ("Douglas Courthouse, Isle of Man", ISLE_OF_MAN),
        ("Royal Court, St Helier", CHANNEL_ISLANDS),
        ("Manchester Crown Court", None),
        ("Mold Crown Court", None),  # Wales is in
        ("Cardiff Crown Court", None),
        ("Swansea Crown Court", None),
        ("Newport Crown Court", None),  # Newport (Gwent) and Newport (Isle of Wight) are both in
        ("Carlisle Crown Court", None),  # near the border, but in England
    ],
)
def test_court_names(court, where):
    assert court_jurisdiction(court) == where


@pytest.mark.parametrize(
    ("postcode", "where"),
    [
        ("G2", SCOTLAND),  # Glasgow
        ("G2 6NE", SCOTLAND),
        ("EH1 1RF", SCOTLAND),
        ("td1 1aa", SCOTLAND),  # Galashiels
        ("TD15 1AA", None),  # Berwick-upon-Tweed is in England
        ("ZE1 0AA", SCOTLAND),
        ("BT1 3JF", NORTHERN_IRELAND),
        ("IM1 3AR", ISLE_OF_MAN),
        ("GY1 2PB", CHANNEL_ISLANDS),
        ("JE2 4WF", CHANNEL_ISLANDS),
        ("GL1 2TG", None),  # Gloucester: GL is not G
        ("GU1 4UB", None),  # Guildford
        ("E1 6AN", None),  # London: E is not EH
        ("CF10 1ET", None),  # Cardiff: Wales is in
        ("LL55 1SH", None),
        ("NP20 1HG", None),
        ("SA1 4PF", None),
        ("LD1 5LG", None),
        ("SY23 1DU", None),
        ("not a postcode", None),
    ],
)
def test_postcodes(postcode, where):
    assert postcode_jurisdiction(postcode) == where


def test_a_postcode_written_in_the_court_name_counts():
    assert court_jurisdiction("Court House, 1 Jail Square, G1 5JD") == SCOTLAND


def test_a_postcode_given_apart_decides_for_an_unknown_name():
    assert court_jurisdiction("The High Court", "G2") == SCOTLAND
    assert court_jurisdiction("The High Court", "CF10 1ET") is None


def test_the_refusal_says_where_and_why():
    message = court_outside_england_and_wales("Glasgow High Court")
    assert message is not None
    assert message.startswith("Glasgow High Court is a court in Scotland.")
    assert "courts in England and Wales" in message
    assert "Victim Notification Scheme" in message


def test_a_court_in_england_is_not_refused():
    assert court_outside_england_and_wales("Bolton Crown Court", "BL1 1QY") is None
