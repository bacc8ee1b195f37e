"""US state codes and USPS street suffixes shared by the address and ZIP recognizers."""

from __future__ import annotations

STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY"
).split()

STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
    "New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|"
    "Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|"
    "West Virginia|Wisconsin|Wyoming"
).split("|")

# Case-sensitive alternation of state codes (so "in", "me", "or" never count as states).
STATE_RE = r"(?-i:(?:" + "|".join(STATE_CODES) + "|" + "|".join(STATE_NAMES) + r"))"

# USPS Publication 28 suffixes (the common ones, plus those Faker/Synthea generate).
STREET_SUFFIXES = (
    "Street St Avenue Ave Av Road Rd Boulevard Blvd Drive Dr Lane Ln Court Ct Way Place Pl "
    "Terrace Ter Circle Cir Parkway Pkwy Highway Hwy Trail Trl Square Sq Loop Row Path Pike "
    "Plaza Plz Alley Aly Crossing Xing Crescent Cres Expressway Expy Freeway Fwy Turnpike Tpke "
    "Run Walk Point Pt Ridge Rdg Heights Hts Hill Hl Hills Park Grove Grv Glen Gln Green Grn "
    "Harbor Hbr Haven Hvn Landing Lndg Meadow Meadows Mdws Mill Mills Pass Passage Port Ranch "
    "Shore Shores Spring Springs Station Sta Summit Smt Valley Vly View Vw Village Vlg Ville "
    "Vista Vis Track Trak Lock Locks Neck Underpass Upas Overpass Opas Mission Msn Junction Jct "
    "Key Knoll Knolls Lake Lakes Manor Mnr Oval Orchard Pines Prairie Rapids Rest Ramp Shoal "
    "Stream Throughway Trace Tunnel Union Unions Well Wells Estates Est Fork Forks Ford Fords "
    "Forest Fort Ft Gardens Gdns Gateway Isle Island Islands Camp Canyon Cape Causeway Center "
    "Ctr Cliff Cliffs Club Common Commons Corner Corners Course Cove Coves Creek Crest Curve Dale "
    "Dam Divide Estate Extension Ext Falls Ferry Field Fields Flat Flats Light Lights Loaf "
    "Motorway Mount Mountain Radial Route Skyway Spur Stravenue Bypass Byp Brook Brooks Burg "
    "Burgs Bluff Bluffs Bottom Branch Bridge Beach Bend"
).split()
