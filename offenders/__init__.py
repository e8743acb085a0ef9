"""Offenders, offences, sentences, events, key dates and eligibility."""
