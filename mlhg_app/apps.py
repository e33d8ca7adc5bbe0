from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate, pre_migrate


class MlhgAppConfig(AppConfig):
    name = "mlhg_app"
    verbose_name = "MLHG – référentiel et comptes"

    def ready(self):
        # late: AppConfig.ready, once models are loaded; checks: the URL-access check; twofactor: marks a
        # session that waits for its code (its signal receiver); exports: the retention of exports;
        # middleware: a login's session starts its sliding expiry (its signal receiver); rls: the structure's
        # setting on every database connection (mlhg_app.structures) and the RLS policies kept in step by migrate
        from mlhg_app import checks, exports, middleware, rls, todo, twofactor  # noqa: F401
        from mlhg_app.services import people_import  # late: idem, the retention of the HR files kept for an import

        pre_migrate.connect(rls.before_migrate, sender=self, dispatch_uid="mlhg_rls_before_migrate")
        post_migrate.connect(rls.after_migrate, sender=self, dispatch_uid="mlhg_rls_after_migrate")

        exports.register_retention()
        people_import.register_retention()
        todo.register("staff", exports.todo_exports_ready)


class MLHGAdminConfig(AdminConfig):
    default_site = "mlhg_app.admin_site.MLHGAdminSite"
