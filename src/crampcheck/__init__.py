"""crampcheck: an evidence-based leg-cramp advisor.

The public API is small and pinned by a test: ``assess`` turns an ``Intake`` into an
``Assessment``; ``parse_intake`` validates JSON input with clear errors; ``load_knowledge``
returns the validated knowledge base.
"""

from crampcheck.__about__ import __version__
from crampcheck.engine import Assessment, Intake, assess, parse_intake
from crampcheck.errors import CrampcheckError, InputError, KnowledgeError
from crampcheck.knowledge.loader import load_knowledge

__all__ = [
    "Assessment",
    "CrampcheckError",
    "InputError",
    "Intake",
    "KnowledgeError",
    "__version__",
    "assess",
    "load_knowledge",
    "parse_intake",
]
