"""National-scale synthetic data, for the dashboards and the bench: ``manage.py seed_national``.

Made-up people only: names are drawn from short lists, phone numbers from Ofcom's drama range,
email addresses from example.com. The same seed and the same day give the same data (row counts,
names, dates): every random choice comes from one ``random.Random(seed)`` in a fixed order.

Speed: the rows are written with PostgreSQL ``COPY`` (about twenty times faster than the ORM),
in one transaction, with every constraint, index and foreign key left on: a row the schema would
refuse makes the whole seed fail. Users, teams and regions (a few hundred rows) go through the ORM.
Columns the seeder does not set get their model default, so a field added later with a default
does not break it. Afterwards the tables are vacuumed and analysed, and the daily eligibility
sweep runs once, so the database looks like one that has been in service.

The data follows the scheme's lifecycle (DOMAIN.md): referral, offer letter (the first contact),
opt in, decline or no response, annual letters, key dates, parole reviews with victim personal
statements, licence conditions, closure when the sentence ends. About one case in twenty
referred in the last year is never offered the scheme, so the dashboards have something to show.

One module per phase, in the order ``run.Seeder.run`` calls them: ``people`` (regions, teams,
officers), ``offenders`` (the catalogue, offenders and sentences, then sentence events and key
dates), ``cases`` (victims, addresses, cases and their lifecycle), ``parole`` (reviews,
statements, licence conditions), ``contact_work`` (tasks and contacts). ``world`` holds the sizes
and word lists, ``copier`` the COPY writer, ``base`` the state the phases share.
"""

from __future__ import annotations

from .run import SEEDED_MODELS, Seeder, seed_national, seeded_first_names, tables_analyse
from .world import SCALES, Scale, SeedReport

__all__ = [
    "SCALES",
    "SEEDED_MODELS",
    "Scale",
    "SeedReport",
    "Seeder",
    "seed_national",
    "seeded_first_names",
    "tables_analyse",
]
