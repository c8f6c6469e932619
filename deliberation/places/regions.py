"""The codifier's top level and the region codes members already chose (``accounts/regions.py``).

Places sit below accounts, so the map is written with the region codes as plain strings;
``tests/places`` holds that it covers every region exactly once.
"""

from __future__ import annotations

OBLAST_REGIONS: dict[str, str] = {
    "UA01000000000013043": "crimea",
    "UA05000000000010236": "vinnytsia",
    "UA07000000000024379": "volyn",
    "UA12000000000090473": "dnipropetrovsk",
    "UA14000000000091971": "donetsk",
    "UA18000000000041385": "zhytomyr",
    "UA21000000000011690": "zakarpattia",
    "UA23000000000064947": "zaporizhzhia",
    "UA26000000000069363": "ivano-frankivsk",
    "UA32000000000030281": "kyiv-oblast",
    "UA35000000000016081": "kirovohrad",
    "UA44000000000018893": "luhansk",
    "UA46000000000026241": "lviv",
    "UA48000000000039575": "mykolaiv",
    "UA51000000000030770": "odesa",
    "UA53000000000028050": "poltava",
    "UA56000000000066151": "rivne",
    "UA59000000000057109": "sumy",
    "UA61000000000060328": "ternopil",
    "UA63000000000041885": "kharkiv",
    "UA65000000000030969": "kherson",
    "UA68000000000099709": "khmelnytskyi",
    "UA71000000000010357": "cherkasy",
    "UA73000000000044923": "chernivtsi",
    "UA74000000000025378": "chernihiv",
    "UA80000000000093317": "kyiv-city",
    "UA85000000000065278": "sevastopol",
}
REGION_OBLASTS: dict[str, str] = {region: code for code, region in OBLAST_REGIONS.items()}


def region_of(oblast_code: str) -> str:
    """The member-facing region code of a top-level place, or "" for a code the map lacks."""
    return OBLAST_REGIONS.get(oblast_code, "")
