"""Hand-written synthetic fixtures (made-up people) for the HL7, X12 and FHIR reader tests."""

from __future__ import annotations

import json


def hl7_segment(name: str, fields: dict[int, str]) -> str:
    """Build a segment from {field number: value}, so field positions are explicit, not counted."""
    last = max(fields) if fields else 0
    values = [fields.get(i, "") for i in range(1, last + 1)]
    if name == "MSH":
        # MSH-1 is the field separator itself and MSH-2 the encoding characters.
        return "MSH|^~\\&|" + "|".join(values[2:])
    return "|".join([name, *values])


def adt_message(
    control_id: str,
    trigger: str = "A01",
    *,
    message_type: str = "ADT",
    evn6: str = "20260308021000",
    family: str = "DOE",
) -> list[str]:
    """A dense ADT message with known values in every field the reader maps."""
    return [
        hl7_segment(
            "MSH",
            {
                3: "EPIC",
                4: "FAC_A",
                5: "OPS",
                6: "OPS",
                7: "20260308023000-0500",
                9: f"{message_type}^{trigger}^{message_type}_{trigger}",
                10: control_id,
                11: "P",
                12: "2.5.1",
            },
        ),
        hl7_segment("EVN", {1: trigger, 2: "20260308022500", 6: evn6}),
        hl7_segment(
            "PID",
            {
                1: "1",
                3: "99^^^FAC_A^PI~MRN123^^^FAC_A^MR",
                5: f"{family}^JANE^Q",
                7: "19800115",
                8: "F",
                11: "1 MAIN ST^^SPRINGFIELD^IL^62701",
                13: "5555550100",
                18: "ACCT789",
                19: "999001234",
            },
        ),
        hl7_segment(
            "PV1",
            {
                1: "1",
                2: "I",
                3: "4W^401^A^FAC_A",
                6: "ED^E01^1^FAC_A",
                7: "1234^SMITH^JOHN^^^DR",
                10: "MED",
                14: "7",
                19: "VN456",
                36: "01",
                44: "20260308021000",
                45: "",
            },
        ),
        hl7_segment("PV2", {9: "20260311120000"}),
    ]


def siu_message(control_id: str, trigger: str = "S12") -> list[str]:
    """A SIU message with known scheduling values."""
    return [
        hl7_segment(
            "MSH",
            {
                3: "SCHED",
                4: "FAC_A",
                7: "20260301080000",
                9: f"SIU^{trigger}^SIU_S12",
                10: control_id,
                11: "P",
                12: "2.5.1",
            },
        ),
        hl7_segment(
            "SCH",
            {
                1: "APPT1",
                2: "FILL1",
                6: "ROUTINE^Follow-up visit",
                7: "FOLLOWUP",
                9: "30",
                10: "min",
                11: "^^^20260310090000^20260310093000",
                25: "Booked",
            },
        ),
        hl7_segment("PID", {1: "1", 3: "MRN555^^^FAC_A^MR", 5: "ROE^RICHARD"}),
        hl7_segment("AIL", {1: "1", 3: "CARD_CLINIC^^^FAC_A"}),
        hl7_segment("AIP", {1: "1", 3: "DR42^HEART^HANNAH"}),
    ]


def hl7_file(*messages: list[str], segment_end: str = "\r", message_sep: str = "\n") -> str:
    """Join messages the standard way: segments end in \\r, messages separated by \\n."""
    return "".join(segment_end.join(m) + segment_end + message_sep for m in messages)


def isa(icn: str = "000000001", sep: str = "*", comp: str = ":", term: str = "~") -> str:
    """A fixed-width ISA header."""
    parts = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "SENDER".ljust(15),
        "ZZ",
        "RECEIVER".ljust(15),
        "260308",
        "1200",
        "^",
        "00501",
        icn,
        "0",
        "P",
        comp,
    ]
    return sep.join(parts) + term


def x12_interchange(
    sets: list[list[str]],
    *,
    version: str = "005010X222A1",
    code: str = "837",
    icn: str = "000000001",
    newline: str = "\n",
) -> str:
    """Wrap transaction-set bodies in ST/SE, GS/GE and ISA/IEA with correct counts."""
    out = [isa(icn) + newline]
    out.append(f"GS*HC*SENDER*RECEIVER*20260308*1200*1*X*{version}~{newline}")
    for n, body in enumerate(sets, start=1):
        control = f"{n:04d}"
        segs = [f"ST*{code}*{control}*{version}", *body, f"SE*{len(body) + 2}*{control}"]
        out.extend(s + "~" + newline for s in segs)
    out.append(f"GE*{len(sets)}*1~{newline}")
    out.append(f"IEA*1*{icn}~{newline}")
    return "".join(out)


CLAIMS_837P = [
    "BHT*0019*00*BATCH1*20260308*1200*CH",
    "NM1*41*2*SUBMITTER*****46*S1",
    "NM1*40*2*RECEIVER*****46*R1",
    "HL*1**20*1",
    "NM1*85*2*GENERAL HOSPITAL*****XX*1999999984",
    "REF*G2*FAC_A",
    "HL*2*1*22*0",
    "SBR*P*18*******CI",
    "NM1*IL*1*DOE*JANE****MI*MEM001",
    "DMG*D8*19800115*F",
    "NM1*PR*2*ACME HEALTH*****PI*PAYER01",
    "CLM*ACCT001*150.00***11:B:1*Y*A*Y*Y",
    "HI*ABK:J189*ABF:E119",
    "NM1*82*1*RENDER*RITA****XX*1888888888",
    "REF*G2*NOT_A_FACILITY",
    "LX*1",
    "SV1*HC:99213*100.00*UN*1***1",
    "DTP*472*D8*20260301",
    "LX*2",
    "SV1*HC:85025*50.00*UN*2***1",
    "DTP*472*D8*20260302",
    "CLM*ACCT002*75.50***11:B:7*Y*A*Y*Y",
    "DTP*434*RD8*20260305-20260306",
    "HI*BK:4019",
    "LX*1",
    "SV1*HC:99212*75.50*UN*1***1",
    "HL*3*1*22*1",
    "SBR*P*01*******CI",
    "NM1*IL*1*ROE*RICHARD****MI*MEM002",
    "DMG*D8*19700101*M",
    "NM1*PR*2*OTHER PAYER*****PI*PAYER02",
    "HL*4*3*23*0",
    "PAT*19",
    "NM1*QC*1*ROE*ROBIN",
    "DMG*D8*20100202*F",
    "CLM*ACCT003*20.00***11:B:1*Y*A*Y*Y",
    "HI*ABK:Z0000",
    "LX*1",
    "SV1*HC:99381*20.00*UN*1***1",
    "DTP*472*D8*20260303",
]

CLAIMS_837I = [
    "BHT*0019*00*BATCH2*20260309*083015*CH",
    "HL*1**20*1",
    "NM1*85*2*GENERAL HOSPITAL*****XX*1999999984",
    "HL*2*1*22*0",
    "NM1*IL*1*DOE*JANE****MI*MEM001",
    "DMG*D8*19800115*F",
    "NM1*PR*2*ACME HEALTH*****PI*PAYER01",
    "CLM*ACCT010*1200.00***11:A:1**A*Y*Y",
    "DTP*434*RD8*20260301-20260304",
    "HI*ABK:I214",
    "LX*1",
    "SV2*0120*HC:99223*1000.00*UN*3",
    "DTP*472*D8*20260301",
    "LX*2",
    "SV2*0250**200.00*UN*10",
]

REMITS_835 = [
    "BPR*I*150.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260315",
    "TRN*1*CHK12345*1512345678",
    "N1*PR*ACME HEALTH",
    "REF*2U*PAYER01",
    "N1*PE*GENERAL HOSPITAL*XX*1999999984",
    "REF*TJ*FAC_A",
    "LX*1",
    "CLP*ACCT001*1*150.00*100.00*20.00*12*PCN001",
    "CAS*CO*45*30.00",
    "NM1*QC*1*DOE*JANE****MI*MEM001",
    "SVC*HC:99213*100.00*80.00",
    "CAS*PR*1*20.00**2*0.00",
    "CLP*ACCT002*4*75.50*0*0*12*PCN002",
    "CAS*CO*50*75.50",
    "PLB*1999999984*20261231*WO:ACCT001*-10.00*L6:X*5.00",
]


def fhir_lines() -> list[str]:
    """One NDJSON line per resource: Patient, Encounter, Location, Appointment (x2), bad lines."""
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [
            {"system": "urn:x", "value": "internal-1"},
            {"type": {"coding": [{"code": "MR"}]}, "value": "MRN900"},
            {"type": {"coding": [{"code": "SS"}]}, "value": "999-11-2222"},
        ],
        "name": [{"use": "official", "family": "Testperson", "given": ["Alex", "B"]}],
        "gender": "female",
        "birthDate": "1990-04-05",
        "address": [
            {
                "line": ["12 Elm St", "Apt 3"],
                "city": "Anytown",
                "state": "MA",
                "postalCode": "02139",
            }
        ],
        "telecom": [
            {"system": "email", "value": "alex@example.org"},
            {"system": "phone", "value": "555-0101"},
        ],
    }
    encounter = {
        "resourceType": "Encounter",
        "id": "e1",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"reference": "Patient/p1"},
        "period": {"start": "2026-03-01T08:00:00-05:00", "end": "2026-03-04T11:30:00-05:00"},
        "location": [{"location": {"reference": "Location/bed1"}}],
        "serviceType": {"coding": [{"code": "MED"}]},
        "hospitalization": {"dischargeDisposition": {"coding": [{"code": "home"}]}},
    }
    location = {
        "resourceType": "Location",
        "id": "bed1",
        "name": "4W-401-A",
        "physicalType": {"coding": [{"code": "bd"}]},
        "operationalStatus": {
            "system": "http://terminology.hl7.org/CodeSystem/v2-0116",
            "code": "O",
        },
        "partOf": {"reference": "Location/room401"},
    }
    appointment = {
        "resourceType": "Appointment",
        "id": "a1",
        "status": "noshow",
        "meta": {"lastUpdated": "2026-03-10T10:00:00Z"},
        "created": "2026-02-20T09:15:00-05:00",
        "start": "2026-03-10T09:00:00-05:00",
        "end": "2026-03-10T09:30:00-05:00",
        "appointmentType": {"coding": [{"code": "FOLLOWUP"}]},
        "participant": [
            {"actor": {"reference": "Patient/p1"}},
            {"actor": {"reference": "Practitioner/dr7", "display": "Dr Heart"}},
            {"actor": {"reference": "Location/clinic2", "display": "Cardiology Clinic"}},
        ],
    }
    cancelled = {
        "resourceType": "Appointment",
        "id": "a2",
        "status": "cancelled",
        "meta": {"lastUpdated": "2026-03-05T16:00:00Z"},
        "created": "2026-02-21",
        "start": "2026-03-11T14:00:00-05:00",
        "end": "2026-03-11T14:20:00-05:00",
        "cancelationReason": {"coding": [{"code": "pat"}]},
        "participant": [{"actor": {"reference": "Patient/p2", "identifier": {"value": "MRN901"}}}],
    }
    return [
        json.dumps(patient),
        json.dumps(encounter),
        "",  # blank lines are not records
        json.dumps(location),
        json.dumps(appointment),
        json.dumps(cancelled),
        '{"resourceType": "Patient", "id": ',  # truncated JSON
        json.dumps({"id": "no-type"}),
        json.dumps({"resourceType": "Observation", "id": "o1"}),
        json.dumps(["not", "an", "object"]),
    ]
