"""Custom Presidio recognizers for clinical free text, one per module."""

from __future__ import annotations

from deidentify.recognizers.age_over_89_recognizer import AgeOver89Recognizer
from deidentify.recognizers.care_site_recognizer import CareSiteRecognizer
from deidentify.recognizers.census_name_recognizer import CensusNameRecognizer
from deidentify.recognizers.clinical_date_recognizer import ClinicalDateRecognizer
from deidentify.recognizers.creator_work_recognizer import CreatorWorkRecognizer
from deidentify.recognizers.facility_name_recognizer import FacilityNameRecognizer
from deidentify.recognizers.foreign_name_pair_recognizer import ForeignNamePairRecognizer
from deidentify.recognizers.human_verb_name_recognizer import HumanVerbNameRecognizer
from deidentify.recognizers.intl_phone_recognizer import IntlPhoneRecognizer
from deidentify.recognizers.intl_postal_code_recognizer import IntlPostalCodeRecognizer
from deidentify.recognizers.intl_street_recognizer import IntlStreetRecognizer
from deidentify.recognizers.long_card_number_recognizer import LongCardNumberRecognizer
from deidentify.recognizers.middle_initial_name_recognizer import MiddleInitialNameRecognizer
from deidentify.recognizers.person_noun_apposition_recognizer import (
    PersonNounAppositionRecognizer,
)
from deidentify.recognizers.person_predicate_recognizer import PersonPredicateRecognizer
from deidentify.recognizers.place_cue_recognizer import PlaceCueRecognizer
from deidentify.recognizers.postal_address_recognizer import PostalAddressRecognizer
from deidentify.recognizers.surname_shape_recognizer import SurnameShapeRecognizer
from deidentify.recognizers.titled_person_recognizer import TitledPersonRecognizer
from deidentify.recognizers.us_account_number_recognizer import UsAccountNumberRecognizer
from deidentify.recognizers.us_member_id_recognizer import UsMemberIdRecognizer
from deidentify.recognizers.us_mrn_recognizer import UsMrnRecognizer
from deidentify.recognizers.us_phone_fax_recognizer import UsPhoneFaxRecognizer
from deidentify.recognizers.us_ssn_cue_recognizer import UsSsnCueRecognizer
from deidentify.recognizers.us_street_address_recognizer import UsStreetAddressRecognizer
from deidentify.recognizers.us_zip_recognizer import UsZipRecognizer
from deidentify.recognizers.vocative_name_recognizer import VocativeNameRecognizer
from deidentify.recognizers.weekday_recognizer import WeekdayRecognizer

CUSTOM_RECOGNIZERS = (
    AgeOver89Recognizer,
    CareSiteRecognizer,
    CensusNameRecognizer,
    ClinicalDateRecognizer,
    CreatorWorkRecognizer,
    FacilityNameRecognizer,
    ForeignNamePairRecognizer,
    HumanVerbNameRecognizer,
    IntlPhoneRecognizer,
    IntlPostalCodeRecognizer,
    IntlStreetRecognizer,
    LongCardNumberRecognizer,
    MiddleInitialNameRecognizer,
    PersonNounAppositionRecognizer,
    PersonPredicateRecognizer,
    PlaceCueRecognizer,
    PostalAddressRecognizer,
    SurnameShapeRecognizer,
    TitledPersonRecognizer,
    UsAccountNumberRecognizer,
    UsMemberIdRecognizer,
    UsMrnRecognizer,
    UsPhoneFaxRecognizer,
    UsSsnCueRecognizer,
    UsStreetAddressRecognizer,
    UsZipRecognizer,
    VocativeNameRecognizer,
    WeekdayRecognizer,
)

__all__ = [
    "CUSTOM_RECOGNIZERS",
    "AgeOver89Recognizer",
    "CareSiteRecognizer",
    "CensusNameRecognizer",
    "ClinicalDateRecognizer",
    "CreatorWorkRecognizer",
    "FacilityNameRecognizer",
    "ForeignNamePairRecognizer",
    "HumanVerbNameRecognizer",
    "IntlPhoneRecognizer",
    "IntlPostalCodeRecognizer",
    "IntlStreetRecognizer",
    "LongCardNumberRecognizer",
    "MiddleInitialNameRecognizer",
    "PersonNounAppositionRecognizer",
    "PersonPredicateRecognizer",
    "PlaceCueRecognizer",
    "PostalAddressRecognizer",
    "SurnameShapeRecognizer",
    "TitledPersonRecognizer",
    "UsAccountNumberRecognizer",
    "UsMemberIdRecognizer",
    "UsMrnRecognizer",
    "UsPhoneFaxRecognizer",
    "UsSsnCueRecognizer",
    "UsStreetAddressRecognizer",
    "UsZipRecognizer",
    "VocativeNameRecognizer",
    "WeekdayRecognizer",
]
