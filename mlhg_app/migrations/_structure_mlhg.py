"""MLHG's identity as the migrations that put existing rows in a structure know it (issue 19).

A deployment that has rows from before structures existed gets the structure `mlhg` with this
identity (seed §1: the siège in Toulouse; the contact address of the AMI; the sender address of the
e-mails). Frozen here, not read from the reference data, so that these migrations keep their meaning.
The SIRET is not in the seed: it is left empty, to be entered by a superuser.
"""

MLHG = {
    "slug": "mlhg",
    "nom": "Mission Locale Haute-Garonne",
    "nom_court": "MLHG",
    "siret": "",
    "adresse_siege": "6-8 boulevard Florence Arthaud",
    "code_postal": "31200",
    "ville": "Toulouse",
    "signataire_nom": "La direction",
    "signataire_qualite": "Direction de la Mission Locale Haute-Garonne",
    "courriel_expediteur": "ne-pas-repondre@ml31.org",
    "courriel_contact": "mlhg@ml31.org",
}


def mlhg_structure(apps):
    """The structure `mlhg`, created with MLHG's identity if it does not exist yet."""
    Structure = apps.get_model("mlhg_app", "Structure")
    return Structure.objects.filter(slug=MLHG["slug"]).first() or Structure.objects.create(**MLHG)


def put_rows_in_mlhg(apps, schema_editor, app_label: str, model_names: list[str]) -> None:
    """Put every row of these models (and of their histories) without a structure in `mlhg`, created
    only when there is such a row."""
    models = [apps.get_model(app_label, name) for name in model_names]
    for name in model_names:
        try:
            models.append(apps.get_model(app_label, f"Historical{name}"))
        except LookupError:
            pass
    pending = [model for model in models if model.objects.filter(structure__isnull=True).exists()]
    if pending:
        structure = mlhg_structure(apps)
        for model in pending:
            model.objects.filter(structure__isnull=True).update(structure=structure)
    if schema_editor.connection.vendor == "postgresql":
        # The deferred foreign-key checks run now, so that the columns can be altered in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
