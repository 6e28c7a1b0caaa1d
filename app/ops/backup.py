"""Backing up and restoring the database, the same command on both databases.

SQLite: the online backup API copies a consistent snapshot while the site runs, and a
restore copies a snapshot back page by page. PostgreSQL: ``pg_dump``'s custom format and
``pg_restore --clean`` (the client tools of the server's major version), with the
connection taken from DATABASE_URL.
"""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import Engine


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why (for operators)."""


def backup(engine: Engine, target: Path) -> None:
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    if engine.dialect.name == "sqlite":
        try:
            with closing(sqlite3.connect(target)) as copy, closing(_sqlite(engine)) as live:
                live.backup(copy)
        except sqlite3.Error as error:
            raise BackupError(str(error)) from error
    elif engine.dialect.name == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"], engine)
    else:
        raise BackupError(f"no backup for {engine.dialect.name} databases")


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup's (stop the site first)."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    engine.dispose()  # no pooled connection keeps reading the old pages
    if engine.dialect.name == "sqlite":
        try:
            snapshot = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            with closing(snapshot) as copy, closing(_sqlite(engine)) as live:
                copy.backup(live)
        except sqlite3.Error as error:
            raise BackupError(str(error)) from error
    elif engine.dialect.name == "postgresql":
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"],
            engine,
            source,
        )
    else:
        raise BackupError(f"no restore for {engine.dialect.name} databases")


def _sqlite(engine: Engine) -> sqlite3.Connection:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return sqlite3.connect(database)


def _run(command: list[str], engine: Engine, source: Path | None = None) -> None:
    url = engine.url
    environment = {**os.environ}
    if url.password:
        environment["PGPASSWORD"] = url.password
    for option, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value:
            command.append(f"{option}={value}")
    command.append(f"--dbname={url.database or environment.get('PGDATABASE', '')}")
    if source is not None:
        command.append(str(source))
    try:
        # The command is ours: a fixed tool and options, values from DATABASE_URL.
        subprocess.run(command, env=environment, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(error.stderr.strip() or f"{command[0]} failed") from error
