"""The one label table: English with the Dutch term in brackets, and Dutch.

The reports, the command line and the dashboard name outcomes, chart series, Sankey nodes
and cost routes from here, and :func:`uncertainty` is the one wording of what an interval
is. Parameter descriptions come from ``sim/model/params`` and stay English; everything the
dashboard page itself says is here too, so the language toggle changes it in one place.
"""

from __future__ import annotations

from sim.experiments.stats import is_share

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
    "start_present": (
        "Start from the present (the baseline in January 2023)",
        "Begin bij het heden (de basislijn in januari 2023)",
    ),
    "start_present_help": (
        "Runs continue the calibrated baseline's state of January 2023 (built once per seed, then cached) "
        "and report 2023 on; a comparison starts both from it.",
        "Runs gaan verder vanaf de toestand van de gekalibreerde basislijn in januari 2023 (eenmaal per seed "
        "gebouwd) en tonen 2023 en later; een vergelijking start beide daar.",
    ),
    "levers_from": (
        "Levers take effect from (YYYY-MM; empty: from the start)",
        "Hefbomen gelden vanaf (JJJJ-MM; leeg: vanaf het begin)",
    ),
    "levers_from_help": (
        "The changed levers that may be dated become one timeline entry from this month; before it the run is "
        "the preset's, draw for draw. Shock, incidents and run settings always apply from the start.",
        "De gewijzigde hefbomen die een datum kunnen krijgen worden één tijdlijnregel vanaf deze maand; daarvoor "
        "is de run die van de preset, trekking voor trekking. Schok, incidenten en runinstellingen gelden altijd vanaf het begin.",
    ),
    "stale": ("Settings changed since this run: press Run to update.", "Instellingen gewijzigd: druk op Start."),
    "download_csv": ("Results (CSV)", "Resultaten (CSV)"),
    "download_summary": ("Summary (CSV)", "Samenvatting (CSV)"),
    "download_toml": ("Scenario (TOML)", "Scenario (TOML)"),
    "download_compare": ("Comparison (CSV)", "Vergelijking (CSV)"),
    "language": ("Nederlands", "Nederlands"),
    "reset": ("Reset to preset", "Terug naar scenario"),
    "last_run": ("Last run", "Laatste run"),
    "compare_note": (
        "B − A per outcome: the current settings (B) minus the defaults (A, the baseline), run with the same replication "
        "seeds in both (common random numbers), so a difference is the settings' effect, not chance. Each outcome has its "
        "own panel and scale; the bar is the mean difference, the whisker the {interval}.",
        "B − A per uitkomst: de huidige instellingen (B) min de standaard (A, de basis), met dezelfde seeds in beide "
        "(gemeenschappelijke toevalsgetallen), dus een verschil is het effect van de instellingen, geen toeval. Elke "
        "uitkomst heeft een eigen paneel en schaal; de balk is het gemiddelde verschil, de streep het {interval}.",
    ),
    "baseline_run": (
        "Baseline: the defaults (computed once by this server and shared)",
        "Basis: de standaardinstellingen (eenmaal door deze server berekend en gedeeld)",
    ),
    "run_settings": (
        "seed {seed}, scale {scale}, {first}–{last}; counts are national (divided by the scale)",
        "seed {seed}, schaal {scale}, {first}–{last}; aantallen zijn landelijk (gedeeld door de schaal)",
    ),
    "computing_baseline": (
        "Computing the baseline (once per server, then shared)…",
        "De basis wordt berekend (eenmaal per server, daarna gedeeld)…",
    ),
    "drawing": ("Drawing the charts…", "De grafieken worden getekend…"),
    "estimate": (
        "A run with these settings takes about {run} s here; a comparison about {compare} s.",
        "Een run met deze instellingen duurt hier ongeveer {run} s; een vergelijking ongeveer {compare} s.",
    ),
    "comparing": (
        "Comparing: results appear here when the runs are done.",
        "Bezig met vergelijken: de uitkomsten verschijnen hier.",
    ),
    "allowed": ("allowed", "toegestaan"),
    "col_unit": ("unit", "eenheid"),
    "col_a": ("A: baseline", "A: basis"),
    "col_b": ("B: current settings", "B: huidige instellingen"),
    "col_diff": ("B − A", "B − A"),
    "col_change": ("change (B − A) / |A|", "verandering (B − A) / |A|"),
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
    "fig_sankey_numbers": (
        "The chain: mean yearly flows, children per year, national (re-reports of known children not shown)",
        "De keten: gemiddelde stromen, kinderen per jaar, landelijk (herhaalde meldingen niet getoond)",
    ),
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
    "col_value": ("mean over the reported years", "gemiddelde over de jaren"),
    "fig_compare": ("What the lever did: change relative to baseline", "Wat de hefboom deed: verandering t.o.v. de basis"),
    "no_equity": (
        "No financial shock in these settings: enable it under 'Financial shock' to compare hit, matched and other families.",
        "Geen financiële schok in deze instellingen: zet hem aan onder 'Financiële schok'.",
    ),
    "no_compare": ("Press 'Compare with baseline' to run paired replications.", "Druk op 'Vergelijk met de basis'."),
}

# Every summary outcome (sim.model.results.summarise and the episode, shock and trial outcomes it adds),
# per year and national, in English with the Dutch term and in Dutch. tests/test_labels.py fails when an
# outcome of a run has no label here.
OUTCOMES: dict[str, tuple[str, str]] = {
    "vt_reports_per_year": ("Reports about children to Veilig Thuis (meldingen)", "Meldingen over kinderen bij Veilig Thuis"),
    "police_share_of_reports": ("Share of reports made by the police", "Aandeel meldingen door de politie"),
    "raad_protection_investigations_per_year": ("Raad investigations (beschermingsonderzoeken)", "Beschermingsonderzoeken Raad"),
    "raad_request_share": (
        "Share of Raad investigations ending in a court request (verzoek)",
        "Aandeel onderzoeken met een verzoek aan de rechter",
    ),
    "placement_authorisation_share_of_ots_requests": (
        "Share of OTS requests with a placement authorisation (machtiging uithuisplaatsing)",
        "Aandeel OTS-verzoeken met een machtiging uithuisplaatsing",
    ),
    "ots_requests_per_year": ("Supervision orders requested by the Raad (OTS-verzoeken)", "OTS-verzoeken van de Raad"),
    "ots_placement_requests_per_year": (
        "OTS requests with a placement authorisation (verzoeken met machtiging uithuisplaatsing)",
        "OTS-verzoeken met een machtiging uithuisplaatsing",
    ),
    "ots_starts_per_year": ("Supervision orders started (OTS)", "Gestarte ondertoezichtstellingen (OTS)"),
    "placement_authorisations_per_year": (
        "Placement authorisations (machtigingen uithuisplaatsing)",
        "Machtigingen uithuisplaatsing",
    ),
    "guardianship_starts_per_year": ("Guardianships started (voogdij)", "Gestarte voogdijmaatregelen"),
    "ots_running_end_of_year": ("Running supervision orders on 31 December (lopende OTS)", "Lopende OTS op 31 december"),
    "guardianship_running_end_of_year": (
        "Running guardianships on 31 December (lopende voogdij)",
        "Lopende voogdij op 31 december",
    ),
    "ots_mean_duration_years": ("Mean duration of a supervision order (OTS)", "Gemiddelde duur van een OTS"),
    "guardianship_mean_duration_years": ("Mean duration of a guardianship (voogdij)", "Gemiddelde duur van voogdij"),
    "youth_in_care_with_residence_per_year": (
        "Children in care with residence during the year (jeugdhulp met verblijf)",
        "Jeugdigen in jeugdhulp met verblijf in het jaar",
    ),
    "foster_share_of_care_with_residence": ("Share in foster care (pleegzorg)", "Aandeel in pleegzorg"),
    "court_share_of_placements": ("Share of children in care placed by the court (gedwongen)", "Aandeel gedwongen geplaatst"),
    "annual_probability_of_protection_measure": (
        "Share of all children with a protection measure during the year (kinderbeschermingsmaatregel)",
        "Aandeel kinderen met een kinderbeschermingsmaatregel in het jaar",
    ),
    "guardian_caseload_families": ("Families per family guardian (caseload jeugdbeschermer)", "Gezinnen per jeugdbeschermer"),
    "children_waiting_for_guardian": (
        "Children waiting for a guardian (wachtlijst GI)",
        "Kinderen op de wachtlijst voor een jeugdbeschermer",
    ),
    "children_waiting_for_raad": (
        "Children waiting for a Raad investigation (wachtlijst Raad)",
        "Kinderen op de wachtlijst van de Raad",
    ),
    "children_waiting_for_home_help": (
        "Children waiting for intensive home help (wachtlijst thuishulp)",
        "Kinderen op de wachtlijst voor intensieve thuishulp",
    ),
    "home_help_starts_per_year": ("Intensive home help started (thuishulp)", "Gestarte intensieve thuishulp"),
    "voluntary_placements_per_year": ("Voluntary placements (vrijwillig)", "Vrijwillige plaatsingen"),
    "foster_breakdown_share": (
        "Share of foster placements ending unplanned (breakdown)",
        "Aandeel voortijdig beëindigde pleegzorg",
    ),
    "provisional_orders_per_year": ("Provisional orders (voorlopige OTS)", "Voorlopige ondertoezichtstellingen"),
    "placements_started_per_year": ("Placements started (uithuisplaatsingen)", "Gestarte uithuisplaatsingen"),
    "unwarranted_raad_investigations_per_year": (
        "Unwarranted Raad investigations (achter de voordeur)",
        "Onterechte onderzoeken (achter de voordeur)",
    ),
    "unwarranted_raad_investigations_per_year_low": (
        "Unwarranted Raad investigations, strict edge of the truth band (low)",
        "Onterechte onderzoeken, strenge rand van de band (laag)",
    ),
    "unwarranted_raad_investigations_per_year_high": (
        "Unwarranted Raad investigations, lenient edge of the truth band (high)",
        "Onterechte onderzoeken, ruime rand van de band (hoog)",
    ),
    "unwarranted_measures_per_year": ("Unwarranted supervision orders", "Onterechte maatregelen"),
    "unwarranted_measures_per_year_low": (
        "Unwarranted supervision orders, strict edge of the truth band (low)",
        "Onterechte maatregelen, strenge rand van de band (laag)",
    ),
    "unwarranted_measures_per_year_high": (
        "Unwarranted supervision orders, lenient edge of the truth band (high)",
        "Onterechte maatregelen, ruime rand van de band (hoog)",
    ),
    "unwarranted_placements_per_year": ("Unwarranted placements", "Onterechte uithuisplaatsingen"),
    "unwarranted_placements_per_year_low": (
        "Unwarranted placements, strict edge of the truth band (low)",
        "Onterechte uithuisplaatsingen, strenge rand van de band (laag)",
    ),
    "unwarranted_placements_per_year_high": (
        "Unwarranted placements, lenient edge of the truth band (high)",
        "Onterechte uithuisplaatsingen, ruime rand van de band (hoog)",
    ),
    "unwarranted_placement_share": ("Share of placements that were unwarranted", "Aandeel onterechte uithuisplaatsingen"),
    "missed_children_per_year": ("Missed children, seriously harmed (gemist)", "Gemiste kinderen met ernstige schade"),
    "missed_known_per_year": ("Missed among children the chain knew", "Gemist terwijl de keten het kind kende"),
    "missed_unreported_per_year": ("Missed, never reported", "Gemist, nooit gemeld"),
    "harm_incidents_per_year": ("Serious-harm incidents (ernstige schade)", "Incidenten met ernstige schade"),
    "hidden_serious_cases": ("Serious cases unknown to the chain (verborgen)", "Ernstige situaties buiten beeld"),
    "mean_wellbeing": ("Wellbeing of all children (index)", "Welzijn van alle kinderen (index)"),
    "mean_wellbeing_placed": ("Wellbeing of placed children (index)", "Welzijn van geplaatste kinderen (index)"),
    "placement_moves_per_year": ("Moves between care settings (overplaatsingen)", "Overplaatsingen"),
    "reunifications_per_year": ("Reunifications (terug naar huis)", "Terug naar huis (hereniging)"),
    "mean_time_in_care_months": ("Mean time in care of ended placements", "Gemiddelde verblijfsduur van beëindigde plaatsingen"),
    "mean_wait_for_placement_months": ("Mean wait for a place (wachttijd plaatsing)", "Gemiddelde wachttijd voor een plek"),
    "mean_wait_for_raad_months": ("Mean wait for the Raad (wachttijd Raad)", "Gemiddelde wachttijd voor de Raad"),
    "mean_wait_for_guardian_months": ("Mean wait for a guardian (wachttijd GI)", "Gemiddelde wachttijd voor een jeugdbeschermer"),
    "mean_wait_for_home_help_months": ("Mean wait for intensive home help", "Gemiddelde wachttijd voor intensieve thuishulp"),
    "cost_per_year_meur": ("Cost (million euro)", "Kosten (miljoen euro)"),
    "shock_hit_measure_rate": (
        "Share of children of hit families with a measure (gedupeerden)",
        "Aandeel kinderen van gedupeerde gezinnen met een maatregel",
    ),
    "shock_matched_measure_rate": (
        "Share of children of matched families with a measure",
        "Aandeel kinderen van vergelijkbare gezinnen met een maatregel",
    ),
    "placement_home_within_6m_share": (
        "Share of placed children back home within 6 months",
        "Aandeel binnen 6 maanden weer thuis",
    ),
    "placement_home_within_12m_share": (
        "Share of placed children back home within 12 months",
        "Aandeel binnen 12 maanden weer thuis",
    ),
    "placement_still_placed_12m_share": (
        "Share of placed children still placed after a year",
        "Aandeel na een jaar nog geplaatst",
    ),
    "home_help_at_home_at_end_share": (
        "Share at home at the end of intensive home help",
        "Aandeel thuis aan het eind van intensieve thuishulp",
    ),
    "home_help_at_home_after_1y_share": (
        "Share at home one year after intensive home help",
        "Aandeel thuis een jaar na intensieve thuishulp",
    ),
    "shock_measure_did": (
        "Households with a measure, hit vs matched: difference-in-differences",
        "Huishoudens met een maatregel, gedupeerd vs vergelijkbaar: verschil-in-verschillen",
    ),
    "shock_hit_children_court_placed": (
        "Children of hit families placed by the court, 2015 to mid 2022",
        "Kinderen van gedupeerden gedwongen geplaatst, 2015 tot medio 2022",
    ),
    "home_help_trial_placed_treated_share": (
        "Trial: placed within 12 months with intensive home help",
        "Proef: geplaatst binnen 12 maanden met intensieve thuishulp",
    ),
    "home_help_trial_placed_control_share": (
        "Trial: placed within 12 months with care as usual",
        "Proef: geplaatst binnen 12 maanden met gebruikelijke hulp",
    ),
    "home_help_trial_effect_g": (
        "Trial: effect on placement, g (positive: fewer)",
        "Proef: effect op plaatsing, g (positief: minder)",
    ),
    "home_help_trial_effect_g_abuse": (
        "Trial: effect g, families with domestic violence or abuse",
        "Proef: effect g, gezinnen met huiselijk geweld of mishandeling",
    ),
    "home_help_trial_effect_g_other": (
        "Trial: effect g, families without domestic violence",
        "Proef: effect g, gezinnen zonder huiselijk geweld",
    ),
    "home_help_trial_n": ("Trial: randomised referrals per replication", "Proef: gerandomiseerde verwijzingen per herhaling"),
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


# Columns of the yearly and monthly tables drawn in the report's charts (sim.reports.charts).
SERIES: dict[str, tuple[str, str]] = {
    "n_ots": ("Running supervision orders (OTS)", "Lopende OTS"),
    "n_guardianship": ("Running guardianships (voogdij)", "Lopende voogdij"),
    "n_placed": ("Children in care (uithuisgeplaatst)", "Kinderen uithuisgeplaatst"),
    "n_court_placed": ("of which placed by the court (gedwongen)", "waarvan gedwongen"),
    "vt_reports": ("Reports about children (meldingen Veilig Thuis)", "Meldingen over kinderen"),
    "raad_protection_investigations": ("Raad investigations (beschermingsonderzoeken)", "Beschermingsonderzoeken"),
    "ots_starts": ("Supervision orders started (OTS)", "Gestarte OTS"),
    "placement_authorisations": ("Placement authorisations (machtigingen)", "Machtigingen uithuisplaatsing"),
    "guardianship_starts": ("Guardianships started (voogdij)", "Gestarte voogdij"),
    "placements_started": ("Placements started (uithuisplaatsingen)", "Gestarte uithuisplaatsingen"),
    "unwarranted_raad_investigations": ("Unwarranted Raad investigations (privacy)", "Onterechte onderzoeken (privacy)"),
    "unwarranted_placements": ("Unwarranted placements (unjust measures)", "Onterechte uithuisplaatsingen"),
    "missed_known": ("Missed among children the chain knew (safety)", "Gemist terwijl de keten het kind kende"),
    "missed_unreported": ("Missed, never reported", "Gemist, nooit gemeld"),
    "mean_wellbeing": ("All children", "Alle kinderen"),
    "mean_wellbeing_placed": ("Placed children", "Geplaatste kinderen"),
    "placement_moves": ("Moves between care settings (overplaatsingen)", "Overplaatsingen"),
    "reunifications": ("Reunifications (terug naar huis)", "Terug naar huis"),
    "harm_incidents": ("Serious-harm incidents", "Incidenten met ernstige schade"),
    "n_waiting_raad": ("Waiting for the Raad", "Wachtend op de Raad"),
    "n_waiting_guardian": ("Waiting for a guardian (wachtlijst GI)", "Wachtend op een jeugdbeschermer"),
    "n_waiting_placement": ("Waiting for a place", "Wachtend op een plek"),
    "n_waiting_home_help": ("Waiting for intensive home help", "Wachtend op intensieve thuishulp"),
    "families_per_guardian": ("Families per guardian", "Gezinnen per jeugdbeschermer"),
    "hit": ("Hit by the shock (gedupeerd)", "Gedupeerd"),
    "matched": ("Matched, not hit (vergelijkbaar)", "Vergelijkbaar, niet gedupeerd"),
    "other": ("All other families", "Overige gezinnen"),
}

# Cost routes of sim.model.ledger.COST_ROUTES.
COST_ROUTES: dict[str, tuple[str, str]] = {
    "vt": ("Veilig Thuis", "Veilig Thuis"),
    "raad": ("Raad voor de Kinderbescherming", "Raad voor de Kinderbescherming"),
    "voluntary_help": ("Voluntary help (wijkteam)", "Vrijwillige hulp (wijkteam)"),
    "home_help": ("Intensive home help (thuishulp)", "Intensieve thuishulp"),
    "guardians": ("Family guardians (GI)", "Jeugdbeschermers (GI)"),
    "foster": ("Foster care (pleegzorg)", "Pleegzorg"),
    "gezinshuis": ("Family-style group home (gezinshuis)", "Gezinshuis"),
    "residential": ("Residential care (residentieel)", "Residentiële zorg"),
}

# The dashboard's controls (sim.dashboard.controls): parameter names for people; their descriptions stay English.
PARAMS: dict[str, tuple[str, str]] = {
    "run.seed": ("Seed", "Seed (startgetal toeval)"),
    "run.scale": ("Scale (share of the children simulated)", "Schaal (deel van de kinderen gesimuleerd)"),
    "run.years": ("Years reported", "Gerapporteerde jaren"),
    "contradiction.second_assessor_share": ("Second assessor: share of decisions", "Tweede beoordelaar: aandeel besluiten"),
    "contradiction.second_assessor_at": ("Second assessor at", "Tweede beoordelaar bij"),
    "contradiction.legal_aid_share": ("Lawyer for parents: share of hearings", "Advocaat voor ouders: aandeel zittingen"),
    "contradiction.child_representative_share": (
        "Child's own lawyer: share of hearings",
        "Eigen advocaat of bijzondere curator kind: aandeel zittingen",
    ),
    "contradiction.legal_aid_anchoring_cut": ("Lawyer: judge's anchoring removed", "Advocaat: minder verankering rechter"),
    "contradiction.legal_aid_information": ("Lawyer: file errors corrected", "Advocaat: fouten in het dossier hersteld"),
    "contradiction.voice": ("Voice of parents, child and network", "Stem van ouders, kind en netwerk"),
    "contradiction.weigh_alternatives": ("Alternatives weighed before placement", "Alternatieven gewogen voor plaatsing"),
    "local_team.home_help_threshold": ("Home help: threshold", "Thuishulp: drempel"),
    "local_team.home_help_capacity": ("Home help: places (national)", "Thuishulp: plaatsen (landelijk)"),
    "local_team.home_help_quality": ("Home help: initial quality", "Thuishulp: beginkwaliteit"),
    "local_team.home_help_quality_max": ("Home help: quality with learning", "Thuishulp: kwaliteit met leren"),
    "local_team.home_help_learning": ("Home help: learning per case", "Thuishulp: leren per casus"),
    "local_team.home_help_feedback": ("Home help: outcomes fed back", "Thuishulp: terugkoppeling uitkomsten"),
    "local_team.home_help_effect": ("Home help: threat reduction", "Thuishulp: vermindering bedreiging"),
    "local_team.home_help_lasting": ("Home help: lasting effect", "Thuishulp: blijvend effect"),
    "local_team.home_help_abuse_effect": ("Home help: effect with domestic violence", "Thuishulp: effect bij huiselijk geweld"),
    "local_team.home_help_anchoring": ("Home help: anchoring on the file", "Thuishulp: verankering op het dossier"),
    "local_team.home_help_trial_share": ("Home help: randomised trial share", "Thuishulp: aandeel in gerandomiseerde proef"),
    "shock.enabled": ("Shock on", "Schok aan"),
    "shock.share_households": ("Share of households hit", "Aandeel gedupeerde huishoudens"),
    "shock.selectivity_single_parent": ("Selectivity: single parents", "Selectiviteit: eenoudergezinnen"),
    "shock.selectivity_low_income": ("Selectivity: low income", "Selectiviteit: laag inkomen"),
    "shock.selectivity_migration": ("Selectivity: migration background", "Selectiviteit: migratieachtergrond"),
    "shock.start_year": ("Start year", "Beginjaar"),
    "shock.duration_years": ("Duration (years)", "Duur (jaren)"),
    "shock.stress_onset_multiplier": ("Stress onset multiplier", "Versnelling van stress"),
    "shock.compensation_year": ("Compensation year", "Jaar van compensatie"),
    "shock.compensation_effect": ("Compensation: debts settled", "Compensatie: schulden opgelost"),
    "regelreflex.strength": ("Strength after an incident", "Sterkte na een incident"),
    "regelreflex.half_life_months": ("Half-life (months)", "Halfwaardetijd (maanden)"),
    "regelreflex.p_publicised": ("Chance a harm case is publicised", "Kans dat een schadegeval in het nieuws komt"),
    "regelreflex.incidents": ("Scheduled incidents", "Geplande incidenten"),
    "veilig_thuis.n_staff": ("Veilig Thuis staff (national)", "Medewerkers Veilig Thuis (landelijk)"),
    "raad.n_staff": ("Raad investigators (national)", "Onderzoekers van de Raad (landelijk)"),
    "court.n_judges": ("Juvenile judges, FTE (national)", "Kinderrechters, fte (landelijk)"),
    "guardians.n_guardians": ("Family guardians, FTE (national)", "Jeugdbeschermers, fte (landelijk)"),
    "care.foster_capacity": ("Foster places (national)", "Pleegzorgplaatsen (landelijk)"),
    "care.gezinshuis_capacity": ("Family-home places (national)", "Gezinshuisplaatsen (landelijk)"),
    "care.residential_capacity": ("Residential places (national)", "Residentiële plaatsen (landelijk)"),
}


def param_label(name: str, lang: str = "en") -> str:
    """A parameter's name for people (its dotted name where there is no label)."""
    en, nl = PARAMS.get(name, (name, name))
    return nl if lang == "nl" else en


NO_INTERVAL = "–"  # shown in an interval column instead of a value that cannot be computed (one replication)


def series_label(key: str, lang: str = "en") -> str:
    """A chart series' name for people (its identifier where there is no label)."""
    en, nl = SERIES.get(key, COST_ROUTES.get(key, (key, key)))
    return nl if lang == "nl" else en


def outcome_unit(key: str, lang: str = "en") -> str:
    """The unit of a summary outcome, as a table or an axis says it."""
    nl = lang == "nl"
    if key.startswith("home_help_trial_effect_g"):
        return "effect size g" if not nl else "effectgrootte g"
    if key == "shock_measure_did":
        return "difference of shares" if not nl else "verschil van aandelen"
    if key.startswith("mean_wellbeing"):
        return "index" if not nl else "index"
    if is_share(key):
        return "%"
    if key.endswith("_months"):
        return "months" if not nl else "maanden"
    if key.endswith("_years"):
        return "years" if not nl else "jaren"
    if key == "cost_per_year_meur":
        return "million euro per year" if not nl else "miljoen euro per jaar"
    if "_per_year" in key:  # also the truth band's edges, unwarranted_placements_per_year_low
        return "per year, national" if not nl else "per jaar, landelijk"
    if key == "guardian_caseload_families":
        return "families" if not nl else "gezinnen"
    if key == "home_help_trial_n":
        return "referrals" if not nl else "verwijzingen"
    return "children, national" if not nl else "kinderen, landelijk"


def uncertainty(kind: str, n: int, lang: str = "en") -> str:
    """What an interval is, in the words every table and chart uses (:mod:`sim.experiments.stats`).

    Args:
        kind: ``spread`` (percentiles of the replications), ``mean`` (t-interval of the mean) or ``paired``
            (t-interval of the mean paired difference, same seeds in both scenarios).
        n: replications (pairs for ``paired``).
        lang: ``en`` or ``nl``.

    Raises:
        ValueError: an unknown ``kind``.

    """
    nl = lang == "nl"
    if kind not in ("spread", "mean", "paired"):
        raise ValueError(f"unknown interval kind {kind!r}; allowed: spread, mean, paired")
    if n < 2:
        return "one replication: no interval" if not nl else "één herhaling: geen interval"
    if kind == "spread":
        return (
            f"spread over {n} replications (2.5-97.5 percentiles)"
            if not nl
            else f"spreiding over {n} herhalingen (2,5-97,5 percentielen)"
        )
    if kind == "mean":
        return (
            f"95 % t-interval of the mean, {n} replications" if not nl else f"95 %-t-interval van het gemiddelde, {n} herhalingen"
        )
    return (
        f"95 % interval of the paired difference, {n} paired replications (same seeds)"
        if not nl
        else f"95 %-interval van het gepaarde verschil, {n} gepaarde herhalingen (dezelfde seeds)"
    )
