from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class MlhgAppConfig(AppConfig):
    name = "mlhg_app"
    verbose_name = "MLHG – référentiel et comptes"

    def ready(self):
        from mlhg_app import checks  # noqa: F401  (registers the URL-access check)


class MLHGAdminConfig(AdminConfig):
    default_site = "mlhg_app.admin_site.MLHGAdminSite"
