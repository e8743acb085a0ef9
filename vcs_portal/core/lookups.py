"""``field__any_of=[...]``: one array parameter (``= ANY(%s)``) where ``__in`` writes one per value.

``pk__in=ids`` gives SQL whose text changes with the number of ids (``IN (%s, %s, …)``), so it
cannot be compiled once and run again (``core.prepared``), and PostgreSQL plans each length
afresh. ``pk__any_of=ids`` passes the list as a single array: the same SQL for one id or a
hundred. An empty list matches nothing, as ``__in=[]`` does.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(item, connection, prepared=False) for item in value]]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


models.IntegerField.register_lookup(AnyOf)
models.ForeignKey.register_lookup(AnyOf)  # ``victim_id__any_of``: the ids of the rows it points at
