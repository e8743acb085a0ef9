"""pg_trgm and unaccent, and ``vcs_search_text``: the folding every name search index uses.

Both extensions are "trusted" from PostgreSQL 13, so the database owner (who runs
migrations, docs/deployment.md "Database roles") may create them without being a superuser.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION vcs_search_text(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0005_team_contact_details")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(CREATE_FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS vcs_search_text(text);"),
    ]
