"""Store: the encrypted SQLite database, its codec and keys, schema and migrations."""
