"""CAMEO event codes -> our event classes, by the longest code prefix the table knows.

Every root 01-20 has an entry, so any well-formed CAMEO code maps to some class; finer
entries override their root where the ontology has a closer class (042 Visit, 163 Sanction,
195 Airstrike). Codes are strings: "042" is not "42".

A CAMEO fight (19x) is one use of force on one day, so it is a Fight, never an
ArmedConflict: a war is many fights over months and no single GDELT row reports one.

Where the ontology has no class of the CAMEO category's own kind, the root takes the
nearest general class: non-violent acts between parties that are not talk (08 yielding,
16 reducing relations) are DiplomaticEvent; domestic acts (09 investigation, 17 coercion)
are PoliticalEvent; force short of fighting (15 force posture, 18 assault, 20 mass
violence) is MilitaryEvent. 172 "impose administrative sanctions" (curfews, bans on
parties, states of emergency) is coercion at home, not Sanction, and 081, its easing, is
not SanctionsLifting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model.vocab import NG

MAPPING_VERSION = "2"  # bump when a code moves to another class: re-imports then redo their chunks

_CODE_RE = re.compile(r"^[0-9]{2,4}$")

# code prefix -> class name in NG. Roots first, then the finer codes under each root.
CLASS_BY_CODE: dict[str, str] = {
    "01": "Statement",
    "02": "Appeal",
    "0256": "CeasefireCall",
    "03": "Statement",  # intentions are announced, not carried out
    "039": "MediationOffer",
    "04": "Meeting",
    "041": "DiplomaticEvent",  # a telephone call: consultation without coming together
    "042": "Visit",
    "043": "Visit",
    "046": "Talks",
    "05": "Coordination",
    "051": "Statement",
    "052": "Statement",
    "055": "Statement",
    "056": "Statement",
    "057": "AgreementSigning",
    "06": "Coordination",
    "07": "Aid",
    "08": "DiplomaticEvent",
    "081": "PoliticalEvent",  # easing restrictions at home: curfews, emergency rule
    "082": "PoliticalEvent",
    "083": "PoliticalEvent",
    "085": "SanctionsLifting",
    "09": "PoliticalEvent",
    "10": "Demand",
    "1056": "CeasefireCall",
    "107": "CeasefireCall",
    "11": "Statement",
    "111": "Condemnation",
    "112": "Accusation",
    "115": "PoliticalEvent",  # a lawsuit is an act before a court, not a statement
    "116": "Sentence",
    "12": "Statement",
    "13": "Threat",
    "14": "Protest",
    "15": "MilitaryEvent",
    "16": "DiplomaticEvent",
    "163": "Sanction",
    "17": "PoliticalEvent",
    "173": "Arrest",
    "18": "MilitaryEvent",
    "183": "Bombing",
    "19": "Fight",
    "195": "Airstrike",
    "20": "MilitaryEvent",
}

# Short names of our own for the roots, used in event labels.
ROOT_LABELS: dict[str, str] = {
    "01": "public statement",
    "02": "appeal",
    "03": "intent to cooperate",
    "04": "consultation",
    "05": "diplomatic cooperation",
    "06": "material cooperation",
    "07": "aid",
    "08": "concession",
    "09": "investigation",
    "10": "demand",
    "11": "disapproval",
    "12": "rejection",
    "13": "threat",
    "14": "protest",
    "15": "show of force",
    "16": "reduced relations",
    "17": "coercion",
    "18": "assault",
    "19": "fighting",
    "20": "mass violence",
}

# Code prefixes whose second actor is acted against rather than addressed: verdicts,
# threats, protests, force, coercion and sanctions. Lifting sanctions (085) relieves its
# recipient; criticism (11) stays addressed to its recipient.
_TARGET_PREFIXES = ("116", "13", "14", "15", "163", "17", "18", "19", "20")


@dataclass(frozen=True)
class CameoClass:
    """The class a CAMEO code maps to, and the table entry that decided it."""

    code: str
    root: str
    matched: str
    class_name: str

    @property
    def class_iri(self) -> str:
        return str(getattr(NG, self.class_name))

    @property
    def second_actor_role(self) -> str:
        """ng:target for verdicts, threats, protests, force, coercion and sanctions; else ng:recipient."""
        return "target" if self.code.startswith(_TARGET_PREFIXES) else "recipient"

    @property
    def root_label(self) -> str:
        return ROOT_LABELS[self.root]


def is_cameo_code(code: str) -> bool:
    """Whether code has the shape of a CAMEO event code (2 to 4 digits)."""
    return bool(_CODE_RE.match(code))


def classify(code: str) -> CameoClass:
    """The event class of a CAMEO code. :raises ValueError: for a malformed code or unknown root."""
    if not is_cameo_code(code):
        raise ValueError(f"CAMEO code {code!r} is not 2 to 4 digits")
    if code[:2] not in ROOT_LABELS:
        raise ValueError(f"CAMEO code {code!r} has no root 01-20")
    for length in range(len(code), 1, -1):
        name = CLASS_BY_CODE.get(code[:length])
        if name is not None:
            return CameoClass(code, code[:2], code[:length], name)
    raise AssertionError("unreachable: every root is in the table")
