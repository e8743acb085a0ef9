"""The reporting period for the performance measures: last 3 months, last 12 months, or chosen dates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms

from vcs_portal.core.pages import govuk_date as _d

from .selectors import Period

PERIOD_CHOICES = [
    ("3m", "Last 3 months"),
    ("12m", "Last 12 months"),
    ("custom", "Choose the dates"),
]
LONGEST_YEARS = 10


class PeriodForm(forms.Form):
    """Read from the query string; with no choice made, the last 3 months."""

    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False)
    start_day = forms.CharField(required=False, max_length=2)
    start_month = forms.CharField(required=False, max_length=2)
    start_year = forms.CharField(required=False, max_length=4)
    end_day = forms.CharField(required=False, max_length=2)
    end_month = forms.CharField(required=False, max_length=2)
    end_year = forms.CharField(required=False, max_length=4)

    def __init__(self, data: Any, *, today: date) -> None:
        super().__init__(data)
        self.today = today

    def _date(self, prefix: str, what: str) -> date | None:
        parts = [str(self.cleaned_data.get(f"{prefix}_{p}") or "").strip() for p in ("day", "month", "year")]
        field = f"{prefix}_day"
        if not any(parts):
            self.add_error(field, f"Enter the {what}")
            return None
        for part, name in zip(parts, ("day", "month", "year"), strict=True):
            if not part:
                self.add_error(f"{prefix}_{name}", f"The {what} must include a {name}")
                return None
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            self.add_error(field, f"The {what} must be a real date")
            return None
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            self.add_error(field, f"The {what} must be a real date")
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") != "custom":
            return data
        start = self._date("start", "start date")
        end = self._date("end", "end date")
        if start and end:
            if end > self.today:
                self.add_error("end_day", "The end date must be today or in the past")
            elif start > end:
                self.add_error("end_day", "The end date must be the same as or after the start date")
            elif start < self.today - relativedelta(years=LONGEST_YEARS):
                self.add_error("start_day", f"The start date must be within the last {LONGEST_YEARS} years")
        data["start"], data["end"] = start, end
        return data

    @property
    def choice(self) -> str:
        return (self.data.get("period") or "3m") if self.data else "3m"

    def chosen_period(self) -> Period:
        """The chosen period; the last 3 months when nothing (or nothing valid) was chosen."""
        today = self.today
        choice = self.cleaned_data.get("period") if self.is_valid() else "3m"
        if choice == "custom":
            start, end = self.cleaned_data["start"], self.cleaned_data["end"]
            return Period(start, end, f"{_d(start)} to {_d(end)}")
        months = 12 if choice == "12m" else 3
        start = today - relativedelta(months=months) + timedelta(days=1)
        return Period(start, today, f"Last {months} months: {_d(start)} to {_d(today)}")

    def query(self) -> dict[str, str]:
        """The period as query parameters, to carry into the drill-down links."""
        if not self.is_valid():
            return {}
        choice = self.cleaned_data.get("period") or ""
        if choice != "custom":
            return {"period": choice} if choice else {}
        p = self.chosen_period()
        return {
            "period": "custom",
            "start_day": str(p.start.day),
            "start_month": str(p.start.month),
            "start_year": str(p.start.year),
            "end_day": str(p.end.day),
            "end_month": str(p.end.month),
            "end_year": str(p.end.year),
        }

    def date_inputs(self) -> list[dict[str, Any]]:
        """What the template needs to draw the two GOV.UK date inputs, with their errors."""
        inputs = []
        for prefix, legend in (("start", "Start date"), ("end", "End date")):
            errors = [str(m) for p in ("day", "month", "year") for m in self.errors.get(f"{prefix}_{p}", [])]
            parts = [
                {
                    "name": f"{prefix}_{p}",
                    "label": p.capitalize(),
                    "value": (self.data.get(f"{prefix}_{p}", "") if self.is_bound else ""),
                    "width": 4 if p == "year" else 2,
                }
                for p in ("day", "month", "year")
            ]
            inputs.append({"prefix": prefix, "legend": legend, "errors": errors, "parts": parts})
        return inputs
