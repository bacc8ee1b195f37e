import pytest

from deidentify.recognizers import ClinicalDateRecognizer

RECOGNIZER = ClinicalDateRecognizer()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("seen on 01/02/2026.", ["01/02/2026"]),
        ("DOS 1/2/26", ["1/2/26"]),
        ("DOB 3-4-1950", ["3-4-1950"]),
        ("surgery on 2026-01-02 08:30", ["2026-01-02 08:30"]),
        ("admitted Jan 2 2026", ["Jan 2 2026"]),
        ("last visit January 30, 2026", ["January 30, 2026"]),
        ("seen 12 Mar 2025", ["12 Mar 2025"]),
        ("on March 5th, 2021 at clinic", ["March 5th, 2021"]),
        ("since January 2023", ["January 2023"]),
        ("f/u on 08/22, call", ["08/22"]),
        ("drawn 09-Nov-2024 06:15, hemolyzed", ["09-Nov-2024 06:15"]),
        ("collected 5/MAR/24", ["5/MAR/24"]),
        # negatives: vitals, ratios, doses, bare years, the verb "may", durations
        ("BP 120/80, HR 88", []),
        ("carbidopa-levodopa 25/100 mg TID", []),
        ("Pain 3/10, Apgar 8/9", []),
        ("diagnosed back in 2021", []),
        ("pt may 2 doses today", []),
        ("symptoms x2 days, 3 weeks ago", []),
        ("lot 12-Mar-20255", []),  # a longer code, not a date
    ],
)
def test_clinical_date_recognizer(found, text, expected):
    assert found(RECOGNIZER, text) == expected
