"""The dashboard's one label table: English with the Dutch term, and Dutch.

Parameter descriptions come from ``sim/params.py`` and stay English; everything the page
itself says is here, so the language toggle changes it in one place.
"""

from __future__ import annotations

LANGUAGES = ("en", "nl")

LABELS: dict[str, tuple[str, str]] = {
    # page
    "title": ("Ketensim: the Dutch youth-protection chain (jeugdbeschermingsketen)", "Ketensim: de jeugdbeschermingsketen"),
    "preset": ("Scenario preset", "Scenario"),
    "run": ("Run", "Start"),
    "cancel": ("Cancel", "Stop"),
    "compare": ("Compare with baseline", "Vergelijk met de basis"),
    "reps": ("Replications for the comparison", "Herhalingen voor de vergelijking"),
    "invalid": ("These settings are refused", "Deze instellingen worden geweigerd"),
    "not_run": ("Press Run to simulate these settings.", "Druk op Start om deze instellingen te simuleren."),
    "running": ("Simulating", "Bezig met simuleren"),
    "refused_box": ("not taken: see the message above", "niet overgenomen: zie de melding hierboven"),
    "queued": (
        "Waiting for a free run slot: {n} run(s) ahead of yours (the server runs a few at a time for everyone)",
        "Wachten op een vrije plek: {n} simulatie(s) voor de uwe (de server draait er een paar tegelijk voor iedereen)",
    ),
    "cancelled": ("Cancelled.", "Gestopt."),
    "failed": ("The run failed", "De run is mislukt"),
    "page_error": ("This part of the page could not be shown", "Dit deel van de pagina kan niet worden getoond"),
    "dismiss": ("Try again", "Opnieuw proberen"),
    "stale": ("Settings changed since this run: press Run to update.", "Instellingen gewijzigd: druk op Start."),
    "download_csv": ("Results (CSV)", "Resultaten (CSV)"),
    "download_summary": ("Summary (CSV)", "Samenvatting (CSV)"),
    "download_toml": ("Scenario (TOML)", "Scenario (TOML)"),
    "download_compare": ("Comparison (CSV)", "Vergelijking (CSV)"),
    "language": ("Nederlands", "Nederlands"),
    "reset": ("Reset to preset", "Terug naar scenario"),
    "last_run": ("Last run", "Laatste run"),
    "compare_note": (
        "B − A per outcome: the current settings minus the defaults (baseline), the same replication seeds in both "
        "(common random numbers); bars are 95 % t-intervals over the paired replications, as a change relative to the "
        "baseline.",
        "B − A per uitkomst: de huidige instellingen min de standaard (basis), met dezelfde seeds in beide; strepen zijn "
        "95 %-intervallen over de gepaarde herhalingen, als verandering ten opzichte van de basis.",
    ),
    # lever groups
    "group_run": ("Run: seed, scale, years", "Run: seed, schaal, jaren"),
    "group_contradiction": ("Contradiction (tegenspraak)", "Tegenspraak"),
    "group_home_help": (
        "Intensive home help (intensieve pedagogische thuishulp, local team / wijkteam)",
        "Intensieve pedagogische thuishulp (wijkteam)",
    ),
    "group_shock": ("Financial shock (toeslagenaffaire-like)", "Financiële schok (zoals de toeslagenaffaire)"),
    "group_regelreflex": ("Risk-rule reflex (regelreflex)", "Regelreflex"),
    "group_capacity": ("Capacities: staff and places (capaciteit)", "Capaciteit: personeel en plaatsen"),
    # tabs / figures
    "tab_chain": ("The chain (de keten)", "De keten"),
    "tab_time": ("Stocks and flows", "Voorraden en stromen"),
    "tab_bermuda": ("Bermuda triangle", "Bermudadriehoek"),
    "tab_children": ("Children's outcomes", "Uitkomsten voor kinderen"),
    "tab_waiting": ("Waiting lists and caseloads", "Wachtlijsten en caseload"),
    "tab_equity": ("Equity (shock)", "Gelijkheid (schok)"),
    "tab_costs": ("Costs", "Kosten"),
    "tab_compare": ("Compare with baseline", "Vergelijking met basis"),
    "fig_sankey": ("The chain: mean yearly flows", "De keten: gemiddelde stromen per jaar"),
    "fig_stocks": ("Stocks over time (dotted: Dutch figures 2022)", "Voorraden door de tijd (stippel: Nederlandse cijfers 2022)"),
    "fig_flows": ("Flows per year (dotted: Dutch figures 2022)", "Stromen per jaar (stippel: Nederlandse cijfers 2022)"),
    "fig_bermuda": (
        "The Bermuda triangle: errors against the truth, per year",
        "De Bermudadriehoek: fouten ten opzichte van de werkelijkheid, per jaar",
    ),
    "errors_explained": (
        "Errors are counted against the truth only the model knows (docs/ODD.md 6.14). Unwarranted investigations and "
        "measures: the child's true threat was below the level that warrants them; unwarranted placements: the child "
        "fares no better in care than at home with the help on offer. Missed children: seriously harmed while no "
        "adequate help was in place, split into children the chain knew (waiting, under investigation, or let go in "
        "the past year: what chain levers can change) and children never reported. The truth thresholds and the "
        "effect of care are uncertain, so every level has a band (the _low and _high outcomes): compare scenarios "
        "paired rather than quote a level.",
        "Fouten worden geteld ten opzichte van de werkelijkheid die alleen het model kent (docs/ODD.md 6.14). "
        "Onterechte onderzoeken en maatregelen: de werkelijke bedreiging lag onder het niveau dat ze rechtvaardigt; "
        "onterechte uithuisplaatsingen: het kind is in de zorg niet beter af dan thuis met de hulp die er is. Gemiste "
        "kinderen: ernstig geschaad zonder passende hulp, gesplitst in kinderen die de keten kende (wachtend, in "
        "onderzoek, of het afgelopen jaar losgelaten: wat de keten kan veranderen) en kinderen die nooit gemeld zijn. "
        "De drempels en het effect van zorg zijn onzeker, dus elk niveau heeft een band (de _low- en _high-uitkomsten): "
        "vergelijk scenario's gepaard in plaats van een niveau te citeren.",
    ),
    "fig_wellbeing": (
        "Children's wellbeing (model index; higher is better)",
        "Welzijn van kinderen (modelindex; hoger is beter)",
    ),
    "fig_outcomes": ("Children's outcomes per year", "Uitkomsten voor kinderen per jaar"),
    "fig_waiting": ("Waiting lists (wachtlijsten)", "Wachtlijsten"),
    "fig_caseload": ("Caseload: families per family guardian (jeugdbeschermer)", "Caseload: gezinnen per jeugdbeschermer"),
    "fig_costs": ("Costs per route (million euro per year)", "Kosten per route (miljoen euro per jaar)"),
    "fig_equity": (
        "Equity: share of children with a measure, hit vs matched vs other",
        "Gelijkheid: aandeel kinderen met een maatregel, gedupeerd vs vergelijkbaar vs overig",
    ),
    "col_outcome": ("outcome", "uitkomst"),
    "col_value": ("mean per year (national)", "gemiddeld per jaar (landelijk)"),
    "fig_compare": ("What the lever did: change relative to baseline", "Wat de hefboom deed: verandering t.o.v. de basis"),
    "no_equity": (
        "No financial shock in these settings: enable it under 'Financial shock' to compare hit, matched and other families.",
        "Geen financiële schok in deze instellingen: zet hem aan onder 'Financiële schok'.",
    ),
    "no_compare": ("Press 'Compare with baseline' to run paired replications.", "Druk op 'Vergelijk met de basis'."),
}

# Summary outcomes shown on the page (sim.model.results.summarise names), per year and national.
OUTCOMES: dict[str, tuple[str, str]] = {
    "raad_protection_investigations_per_year": ("Raad investigations (beschermingsonderzoeken)", "Beschermingsonderzoeken Raad"),
    "ots_starts_per_year": ("Supervision orders started (OTS)", "Gestarte ondertoezichtstellingen (OTS)"),
    "placements_started_per_year": ("Placements started (uithuisplaatsingen)", "Gestarte uithuisplaatsingen"),
    "voluntary_placements_per_year": ("Voluntary placements (vrijwillig)", "Vrijwillige plaatsingen"),
    "home_help_starts_per_year": ("Intensive home help started (thuishulp)", "Gestarte intensieve thuishulp"),
    "unwarranted_raad_investigations_per_year": (
        "Unwarranted Raad investigations (achter de voordeur)",
        "Onterechte onderzoeken (achter de voordeur)",
    ),
    "unwarranted_measures_per_year": ("Unwarranted supervision orders", "Onterechte maatregelen"),
    "unwarranted_placements_per_year": ("Unwarranted placements", "Onterechte uithuisplaatsingen"),
    "missed_children_per_year": ("Missed children, seriously harmed (gemist)", "Gemiste kinderen met ernstige schade"),
    "missed_known_per_year": ("Missed among children the chain knew", "Gemist terwijl de keten het kind kende"),
    "missed_unreported_per_year": ("Missed, never reported", "Gemist, nooit gemeld"),
    "children_waiting_for_guardian": (
        "Children waiting for a guardian (wachtlijst GI)",
        "Kinderen op de wachtlijst voor een jeugdbeschermer",
    ),
    "mean_wellbeing_placed": ("Wellbeing of placed children (index)", "Welzijn van geplaatste kinderen (index)"),
    "cost_per_year_meur": ("Cost (million euro)", "Kosten (miljoen euro)"),
}

# Sankey nodes of sim.reports.run.sankey, in its order, with the Dutch terms.
SANKEY_NODES: dict[str, tuple[str, str]] = {
    "Reports (VT)": ("Reports to Veilig Thuis (meldingen)", "Meldingen bij Veilig Thuis"),
    "VT investigation": ("Veilig Thuis investigation (onderzoek)", "Onderzoek Veilig Thuis"),
    "Voluntary help": ("Voluntary help (vrijwillige hulp, wijkteam)", "Vrijwillige hulp (wijkteam)"),
    "Raad investigation": (
        "Child Protection Board investigation (Raad voor de Kinderbescherming)",
        "Onderzoek Raad voor de Kinderbescherming",
    ),
    "Court request": ("Request to the juvenile judge (kinderrechter)", "Verzoek aan de kinderrechter"),
    "OTS": ("Supervision order (ondertoezichtstelling, OTS)", "Ondertoezichtstelling (OTS)"),
    "Placement authorisation": ("Placement authorisation (machtiging uithuisplaatsing)", "Machtiging uithuisplaatsing"),
    "Guardianship": ("Guardianship (voogdij)", "Voogdij"),
    "Closed at triage": ("Closed at triage (veiligheidsbeoordeling)", "Afgesloten na veiligheidsbeoordeling"),
    "Placed (voluntary)": ("Placed out of home, voluntary (vrijwillig)", "Vrijwillig uithuisgeplaatst"),
    "Placed (court)": ("Placed out of home by the court (gedwongen)", "Gedwongen uithuisgeplaatst"),
}


def outcome_label(key: str, lang: str = "en") -> str:
    """A summary outcome's name for people (its identifier where there is no label)."""
    en, nl = OUTCOMES.get(key, (key, key))
    return nl if lang == "nl" else en


def label(key: str, lang: str = "en") -> str:
    """The text for ``key`` in ``lang`` ('en' or 'nl')."""
    en, nl = LABELS[key]
    return nl if lang == "nl" else en
