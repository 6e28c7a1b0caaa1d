"""Column types and enum helpers shared by the models."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, MappedColumn, Relationship, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on the way in and out, on SQLite (no zone support) and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> sa.Index:
    """An index of the rows for which ``where`` holds, the same on SQLite and PostgreSQL."""
    condition = sa.text(where)
    return sa.Index(
        name, *columns, unique=unique, sqlite_where=condition, postgresql_where=condition
    )


def owned_by(table: str, **options) -> MappedColumn:
    """A reference to the row this one belongs to: it is deleted with that row."""
    return mapped_column(sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), **options)


def outlives(table: str, **options) -> MappedColumn:
    """A reference this row outlives: null once that row is deleted (an erased account)."""
    return mapped_column(sa.ForeignKey(f"{table}.id", ondelete="SET NULL"), **options)


def owns(**options) -> Relationship:
    """The rows that belong to this one (``owned_by``): saved and deleted with it, and deleted
    as soon as they are taken out of it."""
    return relationship(cascade="all, delete-orphan", **options)


class StatusEvent:
    """The columns of a row of status history: its id, when the change happened and who made
    it (kept as null when that account goes). Each history adds its parent, status and why."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = outlives("user_account")


class LabelledEnum(enum.StrEnum):
    """A status or category whose value is a stable slug and whose label is translated."""

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, str(member.label)) for member in cls]


class PlaceStatus(LabelledEnum):
    """The status of a place, a person's or a school class's: live while confirmed or
    waiting. A person or class holds one live place at most (``one_live_place``)."""

    @property
    def is_live(self) -> bool:
        return self.value in LIVE_PLACE_VALUES

    @classmethod
    def live(cls) -> tuple:
        return tuple(member for member in cls if member.is_live)

    @staticmethod
    def one_live_place(name: str, *columns: str) -> sa.Index:
        """The partial unique index that lets the rows alike in ``columns`` hold one live
        place at most."""
        return partial_index(name, *columns, where=LIVE_PLACE, unique=True)


LIVE_PLACE_VALUES = ("confirmed", "waiting")
LIVE_PLACE = "status IN ({})".format(", ".join(f"'{value}'" for value in LIVE_PLACE_VALUES))


def enum_column(enum_cls: type[LabelledEnum]) -> sa.Enum:
    """Stored as its slug in a plain string column (no native enum: portable migrations)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def render_migration_item(type_, obj, autogen_context):
    """Alembic renders our UTC column as the plain type, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
