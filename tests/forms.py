"""Form data posted by several test modules."""

REGISTRATION_PASSWORD = "Balint-et-codev-2026"

# A prestataire's registration (ami:register): its organisation and its first account.
REGISTRATION_FORM = {
    "raison_sociale": "Horizons Supervision",
    "statut_juridique": "SARL",
    "siret": "732 829 320 00074",
    "adresse": "12 rue des Lois",
    "code_postal": "31000",
    "ville": "Toulouse",
    "contact_nom": "Claire Delmas",
    "contact_telephone": "05 61 00 00 00",
    "first_name": "Claire",
    "last_name": "Delmas",
    "email": "Claire.Delmas@Horizons.fr",
    "password1": REGISTRATION_PASSWORD,
    "password2": REGISTRATION_PASSWORD,
}

# The three texts of a bilan, as the prestataire writes them (bilans:write).
BILAN_TEXTS = {
    "thematiques": "La charge émotionnelle et les partenariats reviennent dans la plupart des groupes.",
    "attention": "Prévoir un temps d'échange en équipe après un incident à l'accueil.",
    "preconisations": "Garder des séances de deux heures, en début de matinée.",
}
