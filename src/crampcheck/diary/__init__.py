"""The cramp diary: storage, analytics and import/export.

Parts: ``schemas`` (what may be recorded), ``tables`` and ``migrations`` (the schema), ``db``
(SQLite or PostgreSQL), ``repository`` (``Diary``: the only module with SQL), ``analytics``
(pure statistics), ``stats`` (analytics over one diary), ``io`` (CSV/JSON, backup, restore).
The daily-context field names live here, so the CLI can name them without loading the rest.
"""

CONTEXT_FLAGS = (
    "hard_exercise",
    "heat_or_sweating",
    "cold_night",
    "tight_bedding",
    "stretched_before_bed",
)
CONTEXT_AMOUNTS = ("alcohol_units", "caffeine_drinks", "fluids_litres")
