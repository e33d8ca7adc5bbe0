import importlib.util

from django.core.checks import Error, register

from mlhg_app.access import undeclared_urls


@register("urls")
def check_every_view_declares_access(app_configs, **kwargs):
    """`manage.py check` fails for a URL whose view declares no access rule."""
    return [
        Error(
            f"La vue de l'URL « {route} » ne déclare aucune règle d'accès.",
            hint="Héritez de PermissionRequiredView (permission_required) ou de PublicView, "
            "ou décorez la fonction avec permission_required(...) ou public.",
            id="mlhg_app.E001",
        )
        for route in undeclared_urls()
    ]


@register()
def check_the_name_filter_model_is_installed(app_configs, **kwargs):
    """`manage.py check` fails when the French model of the comptes rendus' name filter is missing."""
    # late: the name filter is seances' (bilans → seances → ami → mlhg_app); mlhg_app never imports it at load
    from seances.personnes import MODEL

    if importlib.util.find_spec(MODEL) is not None:
        return []
    return [
        Error(
            f"Le modèle français « {MODEL} » du filtre des noms n'est pas installé.",
            hint="Installez les dépendances : .venv/bin/pip install -r requirements.txt",
            id="mlhg_app.E002",
        )
    ]
