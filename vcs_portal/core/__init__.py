"""Cross-cutting pieces: users, teams and regions, scope, audit, sign-in."""
