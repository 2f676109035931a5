"""The diary's tables (SQLAlchemy 2 Core), as the migrations leave them.

Every row has an ``owner_id`` from the start: the single-user mode uses one default owner, so a
multi-user server later is a policy, not a schema rewrite. Times are stored as UTC with the
offset the person recorded them in, so a night can be told in their own local time on SQLite
(which has no time zones) and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

owners = Table(
    "owners",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=True),
    Column("created_at", DateTime, nullable=False),
)

episodes = Table(
    "episodes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", String(64), ForeignKey("owners.id"), nullable=False),
    Column("started_at_utc", DateTime, nullable=False),
    Column("utc_offset_minutes", Integer, nullable=False),
    Column("site", String(20), nullable=False),
    Column("side", String(20), nullable=True),
    Column("minutes", Float, nullable=True),
    Column("severity", Integer, nullable=True),
    Column("sleep_disturbance", Integer, nullable=True),
    Column("helped", Text, nullable=True),
    Column("notes", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_episodes_owner_time", "owner_id", "started_at_utc"),
)

day_context = Table(
    "day_context",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", String(64), ForeignKey("owners.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("hard_exercise", Boolean, nullable=True),
    Column("heat_or_sweating", Boolean, nullable=True),
    Column("cold_night", Boolean, nullable=True),
    Column("alcohol_units", Float, nullable=True),
    Column("caffeine_drinks", Float, nullable=True),
    Column("fluids_litres", Float, nullable=True),
    Column("tight_bedding", Boolean, nullable=True),
    Column("stretched_before_bed", Boolean, nullable=True),
    UniqueConstraint("owner_id", "day", name="uq_day_context_owner_day"),
)

medicines = Table(
    "medicines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", String(64), ForeignKey("owners.id"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("started_on", Date, nullable=True),
    Column("stopped_on", Date, nullable=True),
    Index("ix_medicines_owner", "owner_id"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", String(64), ForeignKey("owners.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("engine_version", String(40), nullable=False),
    Column("knowledge_version", String(40), nullable=False),
    Column("triage", String(20), nullable=False),
    Column("intake_json", Text, nullable=False),
    Column("result_json", Text, nullable=False),
    Index("ix_assessments_owner", "owner_id", "created_at"),
)

migrations_table = Table(
    "schema_migrations",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", DateTime, nullable=False),
)
