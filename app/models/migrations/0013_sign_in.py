"""Schema 13: signing in with a password.

- ``user.password_hash``: the argon2 hash of the user's password (empty: none set).
- ``user.remember_hash`` and ``user.remember_until``: the SHA-256 of the "remember me"
  token kept in one workstation's keyring, and when it stops signing in; the token itself
  is never in the database.
"""

import peewee as pw


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("user", "password_hash", pw.CharField(max_length=255, default="")),
        migrator.add_column("user", "remember_hash", pw.CharField(max_length=64, default="")),
        migrator.add_column("user", "remember_until", pw.DateTimeField(null=True)),
    )
