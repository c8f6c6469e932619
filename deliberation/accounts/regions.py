"""Ukraine's regions as stored codes, in the order of the Constitution's article 133: the Autonomous
Republic of Crimea, the oblasts, then the cities with special status (Kyiv, Sevastopol)."""

from ..i18n import N_

REGIONS: dict[str, str] = {
    "crimea": N_("Autonomous Republic of Crimea"),
    "vinnytsia": N_("Vinnytsia Oblast"),
    "volyn": N_("Volyn Oblast"),
    "dnipropetrovsk": N_("Dnipropetrovsk Oblast"),
    "donetsk": N_("Donetsk Oblast"),
    "zhytomyr": N_("Zhytomyr Oblast"),
    "zakarpattia": N_("Zakarpattia Oblast"),
    "zaporizhzhia": N_("Zaporizhzhia Oblast"),
    "ivano-frankivsk": N_("Ivano-Frankivsk Oblast"),
    "kyiv-oblast": N_("Kyiv Oblast"),
    "kirovohrad": N_("Kirovohrad Oblast"),
    "luhansk": N_("Luhansk Oblast"),
    "lviv": N_("Lviv Oblast"),
    "mykolaiv": N_("Mykolaiv Oblast"),
    "odesa": N_("Odesa Oblast"),
    "poltava": N_("Poltava Oblast"),
    "rivne": N_("Rivne Oblast"),
    "sumy": N_("Sumy Oblast"),
    "ternopil": N_("Ternopil Oblast"),
    "kharkiv": N_("Kharkiv Oblast"),
    "kherson": N_("Kherson Oblast"),
    "khmelnytskyi": N_("Khmelnytskyi Oblast"),
    "cherkasy": N_("Cherkasy Oblast"),
    "chernivtsi": N_("Chernivtsi Oblast"),
    "chernihiv": N_("Chernihiv Oblast"),
    "kyiv-city": N_("Kyiv (city)"),
    "sevastopol": N_("Sevastopol (city)"),
}
