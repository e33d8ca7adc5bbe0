def _dossier_history(world):
    """A dossier past its deadline: its history asks `ami.read_dossier` on top of `mlhg_app.view_history`."""
    from tests.url_samples.ami import dossier

    return {"label": "ami.dossier", "pk": dossier(world).pk}


def _export(world):
    """A ready export of the staff user (the rapport d'analyse of the AMI sample)."""
    if "export" not in world:
        from mlhg_app.exports import export_request, export_run
        from tests.url_samples.ami import dossier

        export = export_request(kind="ami.rapport", object_id=dossier(world).ami_id, user=world["users"]["staff"])
        export_run(export_id=export.pk)
        world["export"] = export
    return {"pk": world["export"].pk}


def _antenne(world):
    return {"pk": world["users"]["conseiller"].antenne_id}


def _person(world):
    return {"pk": world["users"]["conseiller"].pk}


def _people_import(world):
    """An HR file uploaded by the staff user (its preview, its confirmation, its result)."""
    if "people_import" not in world:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from mlhg_app.services.people_import import people_import_template, people_import_upload

        fichier = SimpleUploadedFile("personnel.xlsx", people_import_template())
        world["people_import"] = people_import_upload(by=world["users"]["staff"], fichier=fichier)
    return {"pk": world["people_import"].pk}


SAMPLES = {
    "antenne_edit": _antenne,
    "people_edit": _person,
    "people_import_preview": _people_import,
    "people_import_confirm": _people_import,
    "people_import_result": _people_import,
    "export": _export,
    "export_status": _export,
    "export_download": _export,
    "password_reset_confirm": lambda world: {"uidb64": "MQ", "token": "jeton-invalide"},
    "history": _dossier_history,
}
