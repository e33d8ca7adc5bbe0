import importlib.util

from django.conf import settings
from django.core.checks import Error, Warning, register

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


@register(deploy=True)
def check_several_servers_share_one_cache(app_configs, **kwargs):
    """`manage.py check --deploy` warns when production runs workers or servers that would each count alone:
    Celery (REDIS_URL) or files on S3 (several servers) without a shared cache (CACHE_URL)."""
    if not settings.PRODUCTION or settings.CACHE_URL or not (settings.REDIS_URL or settings.S3_BUCKET):
        return []
    return [
        Warning(
            "CACHE_URL n'est pas défini : chaque processus compte seul les limites d'envoi de courriels, "
            "les échecs de connexion et garde ses propres résultats en cache.",
            hint="Donnez à CACHE_URL une base Redis à elle (par exemple redis://127.0.0.1:6379/1), "
            "partagée par tous les serveurs (README « Plusieurs serveurs »).",
            id="mlhg_app.W001",
        )
    ]
