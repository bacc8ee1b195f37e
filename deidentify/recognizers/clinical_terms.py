"""Clinical vocabulary that looks like PHI to NER and regexes but is not.

Shared by the recognizers (``invalidate_result``) and by ``deidentify.engine`` (which drops spaCy
NER findings made only of these words). Lower-case; compared token by token.
"""

from __future__ import annotations

import regex as re

# Eponymous diseases, signs, scores and devices: spaCy sm tags them PERSON ("Parkinson disease").
EPONYMS = frozenset(
    """
    addison alzheimer apgar asperger babinski barrett bell bells brugada buerger chvostek crohn
    cushing down dubin duchenne ehlers epstein fallot foley gleason glasgow graves guillain
    barre hashimoto hodgkin homan homans huntington kaposi kawasaki kernig korsakoff lyme
    marfan mallory mcburney meniere murphy nissen osgood paget parkinson parkinsons peyronie
    raynaud reiter reye rovsing sjogren stevens johnson swan ganz tourette trendelenburg turner
    virchow von willebrand wernicke whipple wilms wilson wolff parkinson-white heimlich
    kussmaul cheyne stokes levine mcmurray lachman phalen tinel valsalva epley dix hallpike
    chaddock gehrig lou mcisaac horner framingham meld pugh ranson wells centor hoffman
    romberg brudzinski grey cullen trousseau weber rinne hartmann roux guillain-barre
    guillain-barré barré
    """.split()
)

# Drugs and brands that spaCy sm tags PERSON/GPE; the commonest ED/inpatient medications, and
# the over-the-counter brands patients name in messages ("Zyrtec, can I take it with ...").
DRUGS = frozenset(
    """
    acetaminophen tylenol ibuprofen motrin advil aleve naproxen aspirin asa toradol ketorolac
    morphine dilaudid hydromorphone fentanyl oxycodone percocet norco vicodin tramadol
    zofran ondansetron reglan metoclopramide phenergan compazine benadryl diphenhydramine
    ativan lorazepam valium diazepam xanax alprazolam haldol haloperidol zyprexa olanzapine
    seroquel quetiapine lasix furosemide bumex metoprolol lopressor toprol coreg carvedilol
    lisinopril losartan amlodipine norvasc hydralazine labetalol cardizem diltiazem digoxin
    heparin lovenox enoxaparin coumadin warfarin eliquis apixaban xarelto rivaroxaban plavix
    clopidogrel lipitor atorvastatin crestor rosuvastatin simvastatin metformin glucophage
    insulin lantus humalog novolog levemir glipizide januvia jardiance ozempic trulicity
    synthroid levothyroxine prednisone solumedrol medrol methylprednisolone decadron
    dexamethasone albuterol proventil ventolin duoneb atrovent spiriva advair symbicort
    keflex cephalexin ancef cefazolin rocephin ceftriaxone zosyn vancomycin vanc augmentin
    amoxicillin azithromycin zithromax levaquin levofloxacin cipro ciprofloxacin bactrim
    flagyl metronidazole doxycycline clindamycin nitrofurantoin macrobid tamiflu narcan
    naloxone protonix pantoprazole prilosec omeprazole pepcid famotidine colace senna
    miralax dulcolax zoloft sertraline prozac fluoxetine lexapro escitalopram celexa
    wellbutrin trazodone gabapentin neurontin lyrica keppra levetiracetam dilantin depakote
    lamictal tegretol flexeril cyclobenzaprine robaxin ambien zolpidem melatonin tpa
    alteplase nitroglycerin nitro potassium magnesium zyrtec cetirizine claritin loratadine
    allegra fexofenadine flonase fluticasone sudafed pseudoephedrine mucinex guaifenesin
    imodium loperamide pepto tums nyquil dayquil excedrin midol
    """.split()
)

# Clinical words capitalised at the start of note fragments that NER mistakes for names/places.
CLINICAL_WORDS = frozenset(
    """
    pt patient patients hx dx tx rx sx fx cc hpi ros pmh psh esi bp hr rr spo2 sat temp
    gcs abd ext heent neuro cv resp gi gu msk psych skin ed er icu picu nicu ccu pacu or
    ob gyn ent ems cpr dnr dni code full chf copd cad ckd esrd dm htn hld afib mi cva tia
    uti dvt pe sob cp ams loc nkda nka prn bid tid qid qd qhs po iv im sq npo stat
    ekg ecg cxr ct cta mri us xr labs cbc bmp cmp ua abg vbg bnp troponin lactate inr ptt
    negative positive normal stable afebrile denies reports states presents chief complaint
    assessment plan impression discharge admit admitted follow fu f/u mgmt management
    survival rates rate ms ra ef emr ehr covid covid-19 med meds rec recs
    email e-mail phone tel cell fax address contact home work mobile pager
    cancel cancelled canceled cxl resched rescheduled bumped called note progress nursing
    obs sur surg em ped peds onc ortho rehab tele ccu step-down medsurg barthel braden
    flank chest back neck head abdomen abdominal ankle knee hip hand arm leg foot shoulder
    ambulating started wound pain dressing tolerating voiding
    rash cough fever x-ray xray
    mrn dos dob ssn acct har fin id ins member subscriber zip consult eval
    """.split()
)

# Generic drug-name stems (WHO INN): a capitalised "Empagliflozin" is a drug, not a person.
DRUG_SUFFIXES = tuple(
    """
    flozin pril sartan olol statin mab nib azole cillin mycin floxacin tidine prazole gliptin
    glutide parin xaban gatran vir dipine zepam zolam oxetine triptan sone olone profen
    cycline thiazide semide tadine setron lukast terol
    """.split()
)

DENY_WORDS = EPONYMS | DRUGS | CLINICAL_WORDS

# Vitals and scores that look like dates or phone fragments: "BP 120/80", "ESI 3", "GCS 15".
VITALS_RE = re.compile(
    # Systolic 40-299 over diastolic: never a month/day pair, whose first number is <= 12.
    r"^\s*(?:bp|b/p|blood pressure)?\s*:?\s*(?:[4-9]\d|[12]\d{2})\s*/\s*\d{2,3}\s*(?:mm\s*hg)?\s*$",
    re.IGNORECASE,
)

_TOKEN_RE = re.compile(r"[^\W\d_][\w'’\-]*")


def _words(text: str) -> list[str]:
    words = [w.lower().replace("’", "'").strip("'") for w in _TOKEN_RE.findall(text)]
    return [w.removesuffix("'s").removeprefix("non-") for w in words]


def _is_deny_word(word: str) -> bool:
    return word in DENY_WORDS or (len(word) > 6 and word.endswith(DRUG_SUFFIXES))


def is_clinical_phrase(text: str) -> bool:
    """Tell whether every word of ``text`` is clinical vocabulary (so not a name or place).

    Args:
        text: The matched span.

    Returns:
        True when the span has at least one word and all its words are in the deny lists
        (or look like generic drug names).
    """
    # Initials carry no evidence either way ("C. Lasix" is "37.9 C. Lasix 40 mg").
    words = [w for w in _words(text) if len(w) > 1]
    return bool(words) and all(_is_deny_word(w) for w in words)


def contains_clinical_word(text: str) -> bool:
    """Tell whether any word of ``text`` is an eponym or a drug (e.g. "Parkinson disease").

    Args:
        text: The matched span.

    Returns:
        True when at least one word is an eponym or a drug name.
    """
    return any(w in EPONYMS or w in DRUGS for w in _words(text))
