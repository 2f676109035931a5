"""The assessment engine: intake in, assessment out.

Parts: ``intake`` (input model), ``medicines`` (names -> classes), ``facts`` (policy terms),
``alerts`` (red flags and triage), ``factors`` (cause scoring), ``calcium`` (the verdict),
``advice`` (relief, prevention, safety notes), ``assessment`` (output model), ``core``
(``assess``) and ``parse`` (JSON -> intake with clear errors).
"""

from crampcheck.engine.assessment import Assessment
from crampcheck.engine.core import assess
from crampcheck.engine.intake import Intake
from crampcheck.engine.parse import parse_intake

__all__ = ["Assessment", "Intake", "assess", "parse_intake"]
