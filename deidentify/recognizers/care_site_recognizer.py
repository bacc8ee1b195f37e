"""Care sites named after a visit cue ("seen at UCSF", "admitted to Cedars-Sinai") as LOCATION."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

from deidentify.recognizers.clinical_terms import DENY_WORDS

# One word of a name in any script: capitalised or an acronym, with apostrophes and inner
# hyphens ("Cedars-Sinai", "Women's", "UCSF", "Łódź"); a few abbreviations keep their period
# ("Med.", "St.").
_WORD = (
    r"(?:(?:St|Mt|Ft|Med|Hosp|Ctr|Cntr|Univ|Gen|Inst|Mem)\.|\p{Lu}[\p{L}'’]*"
    r"(?:-\p{Lu}[\p{L}'’]*)*)"
)
_JOIN = r"(?:[ \t]+|[ \t]*&[ \t]*|[ \t]+of[ \t]+(?:the[ \t]+)?)"
# Lower-case facility nouns clinicians append to a site's name ("UCLA clinic", "NYU med center").
_TAIL = (
    r"(?:[ \t]+(?:clinic|hospital|office|campus|med(?:ical)?\.?[ \t]+cent(?:er|re)|"
    r"cancer[ \t]+center|ER|ED))?"
)
# A month or weekday ends the name: "admitted to Methodist Hospital Jan 2 2026".
_CALENDAR = (
    r"(?:Jan|January|Feb|February|Mar|March|Apr|April|May|Jun|June|Jul|July|Aug|August|Sep|"
    r"Sept|September|Oct|October|Nov|November|Dec|December|Mon|Monday|Tue|Tues|Tuesday|Wed|"
    r"Wednesday|Thu|Thur|Thurs|Thursday|Fri|Friday|Sat|Saturday|Sun|Sunday)(?![\w'’-])"
)
_NAME = (
    r"(?-i:"
    + _WORD
    + r"(?:"
    + _JOIN
    + r"(?!"
    + _CALENDAR
    + r")"
    + _WORD
    + r"){0,4}"
    + _TAIL
    + r")(?![\w'’-])"
)

# Visit verbs: "seen at", "treated in", "admitted to", "transferred from", "lives in".
_AT = r"(?:\bat|@)"
_IN = (
    r"(?:(?:seen|treated|admitted|hospitali[sz]ed|evaluated|followed|living|lives|live|"
    r"residing|resides|reside|located|born|practi[cs]ing|works?|working|grew[ \t]+up|raised|"
    r"staying|vacationing|traveling|travelling|I'm|I[ \t]+am|we're|we[ \t]+are|based)[ \t]+in|"
    r"where[ \t]*:)"
)
_TO = (
    r"(?:(?:admitted|transferred|referred|sent|brought|taken|transported|moved|relocated|"
    r"went|presented|readmitted|airlifted|flown|flew|discharged|returned|visit|visits|trip|"
    r"travel(?:l)?ed|emigrated|immigrated)[ \t]+to)"
)
_FROM = (
    r"(?:(?:transferred|referred|discharged|records?|report|reports|notes|results?|came|"
    r"arrived|moved|relocated|transfer|biopsy|imaging|labs?|letter|referral|consult|"
    r"originally|here|comes|emigrated|immigrated)"
    r"[ \t]+from)"
)
_VISITED = r"(?:visited|attends|attended|attending)"
_CUE = r"(?:" + _AT + r"|\b(?:" + _IN + r"|" + _TO + r"|" + _FROM + r"|" + _VISITED + r"))"

# First words that make the capitalised run something other than a site: titles (a person
# follows), calendar words (a date), articles and relative words.
_NOT_FIRST = frozenset(
    """
    dr dr. drs mr mrs ms miss mx prof doctor nurse the a an this that his her their our its
    my your no any all some each every least most first last next this time
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun today tonight tomorrow
    yesterday noon midnight night bedtime baseline rest risk goal target
    """.split()
)
# Words that name no particular site: departments, care settings, generic places.
_GENERIC = frozenset(
    """
    clinic hospital office campus center centre med medical er ed icu home work school
    church jail prison shelter snf ltach irf ltc alf nh ecf hospice rehab nursing facility
    pharmacy lab laboratory radiology cardiology oncology neurology pediatrics surgery
    urology nephrology dermatology orthopedics psychiatry medicine internal family emergency
    general primary urgent care outpatient inpatient bmi lvef hgb hba1c ldl hdl gfr egfr
    level levels dose doses mg mcg ml units am pm est pst cst mst utc gmt
    """.split()
)


class CareSiteRecognizer(PatternRecognizer):
    """Recognize a hospital or clinic named right after a visit cue, with or without a noun.

    Why: institutions are mostly written by their short name or acronym ("seen at Johns
    Hopkins", "admitted to UCSF", "treated in Cedars-Sinai ER"), which neither spaCy sm nor
    FacilityNameRecognizer (it needs "Hospital", "Clinic"...) finds. In clinical text a
    capitalised run right after "at", "admitted to", "transferred from", "lives in" is a place
    far more often than anything else; titles (a person), months and weekdays (a date),
    departments and care settings ("admitted to ICU", "at SNF"), clinical vocabulary and drug
    names are rejected in ``invalidate_result``.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Capitalised name after a visit cue (medium)",
            r"(?<=" + _CUE + r"[ \t]+(?:(?:the|our|their)[ \t]+)?)" + _NAME,
            0.6,
        ),
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="LOCATION",
            patterns=self.PATTERNS,
            context=[],
            supported_language=supported_language,
            name="CareSiteRecognizer",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject titles, dates, departments, care settings and clinical vocabulary.

        Args:
            pattern_text: The matched name.

        Returns:
            True when the run is not a named site.
        """
        words = [w.strip(".'’").lower() for w in pattern_text.replace("&", " ").split()]
        words = [w.removesuffix("'s").removesuffix("’s") for w in words if w]
        if not words or words[0] in _NOT_FIRST:
            return True
        return all(w in _GENERIC or w in DENY_WORDS or len(w) < 2 for w in words)
