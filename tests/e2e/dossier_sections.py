"""The six sections of a dossier as typed in a browser: by a candidate in the portal
(test_journey_candidature) or by staff recording a dossier received by email (test_journey_year_staff).
Both pages show the same section forms; each journey opens and saves a section its own way."""

ETAPES = [("Accueil et météo", 15), ("Exposé de la situation", 25), ("Questions et hypothèses", 60), ("Bilan", 20)]


def _structure(page, cv_path, sites):
    page.locator("[name=presentation]").fill("Cabinet de psychologues du travail fondé en 2009 à Toulouse.")
    page.locator("[name=activite]").fill("Analyse de pratiques, supervision d'équipes.")
    page.locator("[name=references_resume]").fill("Missions locales, CCAS.")


def _team(page, cv_path, sites):
    page.locator("[name=intervenants-0-prenom]").fill("Marc")
    page.locator("[name=intervenants-0-nom]").fill("Olivier")
    page.locator("[name=intervenants-0-qualification]").select_option("psychologue")
    page.locator("[name=intervenants-0-annees_experience_app]").fill("12")
    antennes = page.locator("[name=intervenants-0-antennes]")
    for index in range(sites):
        antennes.nth(index).check()
    page.locator("[name=intervenants-0-cv]").set_input_files(str(cv_path))


def _methodology(page, cv_path, sites):
    page.locator("[name=approche]").select_option("codeveloppement")
    page.locator("[name=justification]").fill("Le codéveloppement structure l'entraide entre pairs.")
    for index, (libelle, minutes) in enumerate(ETAPES):
        page.locator(f"[name=etapes-{index}-libelle]").fill(libelle)
        page.locator(f"[name=etapes-{index}-duree_minutes]").fill(str(minutes))
    page.locator("[name=posture]").fill("Garant du cadre, non directif.")
    page.locator("[name=garantie_cadre]").fill("Confidentialité rappelée à chaque séance.")
    page.locator("[name=garantie_non_jugement]").fill("Charte de non-jugement.")
    page.locator("[name=garantie_intelligence_collective]").fill("Tour de questions puis de suggestions.")
    page.locator("[name=garantie_problematique]").fill("Une situation vécue exposée par un participant.")


def _references(page, cv_path, sites):
    page.locator("[name=references-0-structure]").fill("Mission Locale de l'Ariège")
    page.locator("[name=references-0-annee]").fill("2024")
    page.locator("[name=references-0-contact]").fill("direction@ml09.fr")


def _price(page, cv_path, sites):
    page.locator("[name=prix_seance_groupe]").fill("450,00")
    page.locator("[name=prix_seance_sous_groupe]").fill("400,00")
    page.locator("[name=regime_tva][value=assujetti]").check()
    page.locator("[name=taux_tva]").fill("20")
    page.locator("[name=modalites_facturation]").fill("Facture trimestrielle, paiement à 30 jours.")


def _availability(page, cv_path, sites):
    page.locator("[name=demarrage_septembre][value=oui]").check()
    for checkbox in page.locator("[name=antennes_couvertes]").all():
        checkbox.check()


SECTIONS = [
    ("1. Structure", _structure),
    ("2. Équipe d'intervenants", _team),
    ("3. Méthodologie", _methodology),
    ("4. Références", _references),
    ("5. Proposition financière", _price),
    ("6. Disponibilités", _availability),
]


def fill_sections(page, cv_path, *, open_section, save_section, sites=1):
    """Fills the six sections in order, each opened by `open_section(page, titre)` and saved by
    `save_section(page, titre)`; one intervenant (Marc Olivier, his CV at `cv_path`) covers the first `sites` sites,
    the dossier all of them."""
    for titre, fill in SECTIONS:
        open_section(page, titre)
        fill(page, cv_path, sites)
        save_section(page, titre)
