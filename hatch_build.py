"""Build hook: validate the knowledge base strictly before a wheel (or editable install) is built.

A malformed or inconsistent knowledge file stops the build with the file, the record and the
field named, instead of shipping a package that fails at run time.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class KnowledgeCheck(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        sys.path.insert(0, str(Path(self.root) / "src"))
        try:
            from crampcheck.knowledge.loader import build

            kb = build()
        finally:
            sys.path.pop(0)
        self.app.display_info(
            f"knowledge base valid: {len(kb.alerts)} alerts, {len(kb.factors)} factors, "
            f"{len(kb.medicines.drugs)} medicines, {len(kb.references)} references"
        )
