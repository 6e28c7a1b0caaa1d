"""Where uploaded files live: one interface, a folder on this host (the embedded default)
or S3-compatible object storage (when several hosts serve the site).

A file is stored under a random key, never under the name it was sent with, and outside
the web root: nothing serves it but a view that checks who asks. A file stored during a
transaction that then rolls back is deleted again, and a file replaced or removed is
deleted only once the change is committed: the database and the storage never disagree
for long, and a refusal leaves no file behind.
"""

import re
import secrets
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class StoredFileMissing(LookupError):
    """The key names no stored file."""


class Storage(Protocol):
    def write(self, key: str, data: bytes, content_type: str) -> None: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


def new_key() -> str:
    return secrets.token_urlsafe(24)


def check_key(key: str) -> str:
    """A key as ``new_key`` makes them: nothing that could walk out of the folder."""
    if not KEY_PATTERN.fullmatch(key or ""):
        raise StoredFileMissing(key)
    return key


def make_storage(config) -> Storage:
    backend = config["STORAGE_BACKEND"]
    if backend == "folder":
        from app.services.storage.folder import FolderStorage

        return FolderStorage(config["STORAGE_FOLDER"])
    if backend == "s3":
        from app.services.storage.s3 import S3Storage

        return S3Storage.from_config(config)
    raise ValueError(f"STORAGE_BACKEND must be 'folder' or 's3', not {backend!r}")


def init_app(app: Flask) -> None:
    app.extensions["storage"] = make_storage(app.config)


def storage() -> Storage:
    return current_app.extensions["storage"]


_NEW, _OLD = "storage_new", "storage_old"


def store(session: Session, data: bytes, content_type: str, files: Storage | None = None) -> str:
    """Store ``data`` under a new key, tied to the session's transaction: deleted again if
    it does not commit."""
    files = files or storage()
    key = new_key()
    files.write(key, data, content_type)
    session.info.setdefault(_NEW, []).append((files, key))
    return key


def delete_after_commit(session: Session, key: str, files: Storage | None = None) -> None:
    """Delete a stored file once the transaction that stops using it commits."""
    session.info.setdefault(_OLD, []).append((files or storage(), key))


def _delete_all(pending) -> None:
    for files, key in pending:
        files.delete(key)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_NEW, None)
    _delete_all(session.info.pop(_OLD, []))


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    # After a commit nothing is left here; after a rollback (or a session closed without
    # committing) the files of the transaction go, and the old ones stay.
    if transaction.parent is None:
        _delete_all(session.info.pop(_NEW, []))
        session.info.pop(_OLD, None)
