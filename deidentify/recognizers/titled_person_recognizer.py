"""Patient, relative and provider names marked by a title, a relation or a role, as PERSON."""

from __future__ import annotations

from typing import ClassVar

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer
from spacy.lang.en.stop_words import STOP_WORDS

from deidentify.recognizers.clinical_terms import CLINICAL_WORDS, DRUGS

# Name parts are case-sensitive: clinicians capitalise names and little else mid-sentence.
# Any alphabet's letters: "Jónás", "Ásgeir", "Zoë" are names as much as "Jonas".
_NAME = r"(?:\p{Lu}\p{Ll}+(?:[-']\p{Lu}?\p{Ll}+)*|\p{Lu}'\p{Lu}\p{Ll}+|Mc\p{Lu}\p{Ll}+)"
_INITIAL = r"\p{Lu}\.?(?!\p{L})"
_TITLE_WORDS = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Drs|Prof|Doctor|Nurse|Sr|Sister|Fr|Father|Rev)\b"
# A title is a cue, never the first word of the name ("seen by Dr. Jane Doe").
_FULL = (
    r"(?-i:(?!" + _TITLE_WORDS + r")" + _NAME + r"(?:\s+(?:" + _NAME + r"|" + _INITIAL + r")){0,2})"
)
# Titles are case-sensitive: "QTc 438 ms. Chest x-ray" must not read as "Ms. Chest".
_TITLE = (
    r"(?-i:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Drs|Prof|Doctor|Nurse|Sr|Sister|Fr|Father|Rev|MR|MRS|MS|DR))\.?"
)
_RELATION = (
    r"(?:daughter|son|wife|husband|mother|mom|father|dad|sister|brother|spouse|partner|friend|"
    r"caregiver|neighbor|neighbour|guardian|aunt|uncle|niece|nephew|grandson|granddaughter|"
    r"grandmother|grandfather|grandma|grandpa|fiance|fiancee|boyfriend|girlfriend|roommate|"
    r"POA|HCP|proxy|emergency contact|next of kin|NOK|child|kid|baby|grandchild)"
)
_ROLE = (
    r"(?:seen by|evaluated by|examined by|referred by|referred to|discussed with|signed by|"
    r"dictated by|cosigned by|attending|PCP|provider|physician|surgeon|resident|intern|"
    r"consultant|NP|PA|RN|nurse|patient|pt|name|named|spoke with|called|per|name is|"
    r"(?:first|last|family|given) name\??|surname|calls me|known as|goes by|directed by)"
)
_CREDENTIAL = r"(?-i:(?:MD|M\.D\.|DO|RN|NP|PA-C|PA|CNA|LPN|APRN|CRNA|DPM|PharmD|PhD|MSW|LCSW|DDS))"

# Words that follow a relation/role cue capitalised but are not names ("pt Denies", "per ED").
_NOT_NAMES = frozenset(
    """
    the a an this that his her their our no not who which vitamin hepatitis type group class
    stage grade part phase factor level section appendix figure table schedule protocol
    lab labs team unit floor service department clinic hospital emergency room bed
    """.split()
)


class TitledPersonRecognizer(PatternRecognizer):
    """Recognize names that spaCy sm misses because they are short, lower-context or clinical.

    Shapes: a title ("Mr. Smith", "Dr. Jane Doe" - the title stays in the text), a relation
    ("pt's daughter Mary"), a role ("seen by John L.", "PCP Ana Ruiz"), a credential
    ("Jane Doe, MD"), "Last, First" after a name cue ("Patient: Smith, John") and
    "First L." ("Anna S."). The span never includes the cue.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("Name after title (strong)", r"\b" + _TITLE + r"\s{1,3}\K" + _FULL, 0.85),
        Pattern(
            "Name after relation (strong)",
            r"\b" + _RELATION + r"(?:'s)?,?\s+(?:named\s+|is\s+|was\s+)?\K" + _FULL,
            0.8,
        ),
        Pattern(
            "Last, First after name cue (strong)",
            r"\b(?:patient|pt|name|patient name|pt name)\s*:?\s+\K(?-i:"
            + _NAME
            + r",\s+"
            + _NAME
            + r"(?:\s+"
            + _INITIAL
            + r")?)",
            0.85,
        ),
        Pattern("Name after role (medium)", r"\b" + _ROLE + r"\s*:?\s+\K" + _FULL, 0.6),
        Pattern(
            # Patients write their own names in lower case in portal messages ("my name is
            # greta lindholm"); after a self-introduction the case does not matter.
            "Name after self-introduction, any case (medium)",
            r"\b(?:my name is|call me|calls me|maiden name is|(?:first|last) name is)\s+\K"
            r"(?!(?:not|the|a|an|on|in|at|and|but|because|still|also)\b)"
            r"\p{L}[\p{L}'-]+(?:\s+\p{L}\.?(?!\p{L}))?(?:\s+(?!(?:but|and|or|from|at|in|on|"
            r"because|and|is|was|if|so|to)\b)\p{L}[\p{L}'-]+)?",
            0.6,
        ),
        Pattern(
            "Name before a possessive relation (strong)",
            # "Jolanka's kid", "Maria's son called": the owner of a relative is a person.
            r"(?-i:\b(?!" + _TITLE_WORDS + r")" + _NAME + r")(?=(?:'s|’s)\s+" + _RELATION + r"\b)",
            0.8,
        ),
        Pattern(
            "Name opening a patient description (strong)",
            # "Butler, Carol is a 24-year-old", "Zachary Daniels (MRN ...)": the note's subject.
            # A courtesy title is no first name ("Miss Fisher is a 60-year-old": only Fisher).
            r"(?-i:\b(?!" + _TITLE_WORDS + r")" + _NAME + r",?\s+" + _NAME + r")"
            r"(?=\s+(?:\(MRN|is\s+an?\s+\d{1,3}[\s-]?"
            r"(?:year|yo\b|y/o|y\.o\.|month|week|day)))",
            0.8,
        ),
        Pattern(
            "Name before credential (strong)",
            r"(?-i:\b"
            + _NAME
            + r"(?:\s+"
            + _INITIAL
            + r")?\s+"
            + _NAME
            + r")(?=,?\s+"
            + _CREDENTIAL
            + r"\b)",
            0.85,
        ),
        Pattern(
            "First name + initial (medium)",
            r"(?-i:\b" + _NAME + r"\s+\p{Lu}\.)(?=[\s,;:)?!]|$)",
            0.6,
        ),
    ]
    CONTEXT: ClassVar[list[str]] = [
        "patient",
        "pt",
        "mr",
        "mrs",
        "ms",
        "dr",
        "name",
        "daughter",
        "son",
        "wife",
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PERSON",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
            name="TitledPersonRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject matches whose first word is a drug, a clinical word or a function word.

        Eponyms are not rejected here: after a title they are surnames ("Dr. Wilson").

        Args:
            pattern_text: The matched text.

        Returns:
            True when the match is not a name.
        """
        word = pattern_text.split()[0].strip(",.")
        first = word.lower()
        if re.fullmatch(_RELATION, first, flags=re.IGNORECASE):
            return True  # "Mother's sister" names no one
        # Only the any-case self-introduction yields a lower-case first word: after "call me"
        # an English function word is the rest of the sentence ("call me when you're here").
        if word.islower() and first in STOP_WORDS:
            return True
        return first in _NOT_NAMES or first in DRUGS or first in CLINICAL_WORDS
