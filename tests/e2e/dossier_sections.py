"""The six sections of a dossier as typed in a browser: by a candidate in the portal
(test_journey_candidature) or by staff recording a dossier received by email (test_journey_year_staff).
Both pages show the same section forms; each journey opens and saves a section its own way."""

ETAPES = [("Accueil et météo", 15), ("Exposé de la situation", 25), ("Questions et hypothèses", 60), ("Bilan", 20)]


def _team(page, cv_path, sites):
    page.locator("[name=intervenants-0-qualification]").select_option("psychologue")
    antennes = page.locator("[name=intervenants-0-antennes]")
    for index in range(sites):
        antennes.nth(index).check()
    page.locator("[name=intervenants-0-cv]").set_input_files(str(cv_path))


def _methodology(page, cv_path, sites):
    page.locator("[name=approche]").select_option("codeveloppement")
    for index, (libelle, minutes) in enumerate(ETAPES):
        page.locator(f"[name=etapes-{index}-libelle]").fill(libelle)
        page.locator(f"[name=etapes-{index}-duree_minutes]").fill(str(minutes))


def _price(page, cv_path, sites):
    page.locator("[name=regime_tva][value=assujetti]").check()


def _availability(page, cv_path, sites):
    page.locator("[name=demarrage_septembre][value=oui]").check()
    for checkbox in page.locator("[name=antennes_couvertes]").all():
        checkbox.check()


# Each section: its title, what is chosen in it (selects, boxes, files), then what is typed, by field name.
SECTIONS = [
    ("1. Structure", None, {
        "presentation": "Cabinet de psychologues du travail fondé en 2009 à Toulouse.",
        "activite": "Analyse de pratiques, supervision d'équipes.",
        "references_resume": "Missions locales, CCAS.",
    }),
    ("2. Équipe d'intervenants", _team, {
        "intervenants-0-prenom": "Marc",
        "intervenants-0-nom": "Olivier",
        "intervenants-0-annees_experience_app": "12",
    }),
    ("3. Méthodologie", _methodology, {
        "justification": "Le codéveloppement structure l'entraide entre pairs.",
        "posture": "Garant du cadre, non directif.",
        "garantie_cadre": "Confidentialité rappelée à chaque séance.",
        "garantie_non_jugement": "Charte de non-jugement.",
        "garantie_intelligence_collective": "Tour de questions puis de suggestions.",
        "garantie_problematique": "Une situation vécue exposée par un participant.",
    }),
    ("4. Références", None, {
        "references-0-structure": "Mission Locale de l'Ariège",
        "references-0-annee": "2024",
        "references-0-contact": "direction@ml09.fr",
    }),
    ("5. Proposition financière", _price, {
        "prix_seance_groupe": "450,00",
        "prix_seance_sous_groupe": "400,00",
        "taux_tva": "20",
        "modalites_facturation": "Facture trimestrielle, paiement à 30 jours.",
    }),
    ("6. Disponibilités", _availability, {}),
]  # fmt: skip


def fill_sections(page, cv_path, *, open_section, save_section, sites=1):
    """Fills the six sections in order, each opened by `open_section(page, titre)` and saved by
    `save_section(page, titre)`; one intervenant (Marc Olivier, his CV at `cv_path`) covers the first `sites` sites,
    the dossier all of them."""
    for titre, choose, typed in SECTIONS:
        open_section(page, titre)
        if choose:
            choose(page, cv_path, sites)
        for name, value in typed.items():
            page.locator(f"[name={name}]").fill(value)
        save_section(page, titre)
