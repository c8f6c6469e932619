"""A starter text per kind of document, so a new draft begins with the right structure."""

from ..i18n import N_

STARTERS: dict[str, str] = {
    # The official parts of a council's decision: the draft mark, the heading block (council,
    # session, convocation), the kind, date, number and place, the legal basis (a point of part
    # one of article 26 of the Law on local self-government) and the signature line.
    "council_decision": N_(
        "DRAFT\n\n"
        "**… COUNCIL**\n\n"
        "**… session of the … convocation**\n\n"
        "**DECISION**\n\n"
        "… 20…, No. …\n\n"
        "… (place)\n\n"
        "# On …\n\n"
        "Pursuant to point … of part one of Article 26 of the Law of Ukraine “On Local Self-Government in "
        "Ukraine”, in order to …, taking into account the recommendations of the standing committee on …, "
        "the … council\n\n"
        "**resolved:**\n\n"
        "1. To approve …\n"
        "2. To instruct the executive committee of the … council to …\n"
        "3. To entrust control over the implementation of this decision to the standing committee on …\n\n"
        "Head of the … ________ First name SURNAME"
    ),
    "petition": N_(
        "# Petition on …\n\n"
        "## What we ask for\n\n…\n\n"
        "## Why it matters to our hromada\n\n…\n\n"
        "## What we propose\n\n1. …\n2. …"
    ),
    "manifesto": N_("# Manifesto …\n\n## We believe\n\n…\n\n## We commit to\n\n1. …\n2. …"),
    "memorandum": N_(
        "# Memorandum of cooperation between … and …\n\n"
        "## Parties\n\n…\n\n## Subject of the memorandum\n\n…\n\n"
        "## Commitments of the parties\n\n1. …\n2. …\n\n## Final provisions\n\n…"
    ),
    "declaration": N_("# Declaration on …\n\n…\n\nWe declare:\n\n1. …\n2. …"),
    "appeal": N_(
        "# Appeal to …\n\n"
        "Dear …,\n\n"
        "We, the participants of the network, appeal to you regarding …\n\n"
        "We ask you to:\n\n1. …\n2. …"
    ),
    "activity_plan": N_(
        "# Activity plan of the network until the next forum\n\n"
        "## Goals\n\n…\n\n"
        "## Activities\n\n1. … (dates, responsible, expected result)\n2. …"
    ),
    "action_plan": N_(
        "# Plan of public actions at the local level\n\n"
        "## Purpose\n\n…\n\n"
        "## Actions\n\n1. … (where, when, who takes part)\n2. …"
    ),
    "expert_opinion": N_(
        "# Expert opinion on …\n\n## Subject of review\n\n…\n\n## Findings\n\n1. …\n2. …\n\n## Recommendations\n\n1. …"
    ),
}
