"""Hospital, clinic and practice names (they locate the patient) as LOCATION."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

_CAP = r"(?:[A-Z][a-zA-Z'&\-]+|[A-Z]{2,5})"
_KIND = (
    r"(?:Hospital|Medical Center|Medical Centre|Med Ctr|Health Center|Health System|Healthcare|"
    r"Health|Clinic|Infirmary|Memorial|Regional|General|Children's|Rehabilitation Center|Rehab|"
    r"Nursing Home|Nursing Center|Care Center|Urgent Care|Family Practice|Medical Group|"
    r"Cancer Center|Heart Institute|Institute|University)"
)

# Department words: "Cardiology Clinic" is a service line inside every hospital, not a place.
_DEPARTMENTS = frozenset(
    """
    the a an our this that his her their cardiology oncology neurology pediatric pediatrics
    dermatology orthopedic orthopedics surgical surgery urology nephrology endocrine
    endocrinology diabetes gi rheumatology pulmonary pulmonology wound pain sleep fertility
    dialysis infusion anticoagulation coumadin walk-in outpatient inpatient primary mental
    behavioral public community free er ed va local county state hospital medical
    """.split()
)


class FacilityNameRecognizer(PatternRecognizer):
    """Recognize named facilities: "Methodist Hospital", "St. Vincent's", "Mt. Sinai".

    One to four capitalised words before a facility noun, or a saint/mount prefix before a
    capitalised word. Department names ("Cardiology Clinic") are rejected in invalidate_result.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Capitalised words + facility noun (medium)",
            r"(?-i:\b(?:St\.?\s+|Mt\.?\s+|Saint\s+|Mount\s+)?(?:"
            + _CAP
            + r"\s+){1,4}"
            + _KIND
            + r"(?:\s+(?:Hospital|Center|Centre|Clinic|System))?\b)",
            0.6,
        ),
        Pattern(
            "Saint/Mount + name (medium)",
            r"(?-i:\b(?:St|Mt|Saint|Mount)\.?\s+[A-Z][a-z]+(?:'s)?(?:\s+(?:" + _KIND + r"))?)",
            0.6,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "hospital",
        "clinic",
        "transferred",
        "admitted",
        "seen",
        "at",
        "from",
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="LOCATION",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="FacilityNameRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject department names and generic phrases ("Pediatric Clinic", "The Hospital").

        Args:
            pattern_text: The matched text.

        Returns:
            True when every word before the facility noun is a department or function word.
        """
        words = pattern_text.replace(".", " ").split()
        head = [w.lower() for w in words[:-1]]
        return not head or all(w in _DEPARTMENTS for w in head)
