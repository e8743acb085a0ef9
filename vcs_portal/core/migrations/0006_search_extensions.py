"""pg_trgm and unaccent where the server has them, and ``vcs_search_text``: the name folding.

Both extensions are "trusted" from PostgreSQL 13, so the database owner (who runs
migrations, docs/deployment.md "Database roles") may create them without being a superuser.
The embedded development server (pgserver) has neither (``vcs_portal.core.migration_ops``):
there the function folds the common accented letters with ``translate`` instead.
"""

from django.db import migrations

CREATE = r"""
DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent') THEN
    CREATE EXTENSION IF NOT EXISTS unaccent;
    EXECUTE $f$
      CREATE OR REPLACE FUNCTION vcs_search_text(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
    $f$;
  ELSE
    EXECUTE $f$
      CREATE OR REPLACE FUNCTION vcs_search_text(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT translate(lower($1),
        'àáâãäåāăąçćčďèéêëēėęěğìíîïīįıķĺľłñńňòóôõöøōőŕřśšşťţùúûüūůűųýÿžźż',
        'aaaaaaaaacccdeeeeeeeegiiiiiiiklllnnnoooooooorrssstttuuuuuuuuyyzzz') $$
    $f$;
  END IF;
END
$do$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0005_team_contact_details")]

    operations = [
        migrations.RunSQL(CREATE, reverse_sql="DROP FUNCTION IF EXISTS vcs_search_text(text);"),
    ]
