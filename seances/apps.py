from django.apps import AppConfig


class SeancesConfig(AppConfig):
    name = "seances"
    verbose_name = "Séances d'APP"

    def ready(self):
        # late: they import models, ready once the registry is
        from mlhg_app import todo
        from seances import personal_data, retention, selectors

        retention.register()
        personal_data.register()
        for role in ("staff", "responsable", "prestataire", "intervenant", "conseiller"):
            todo.register(role, getattr(selectors, f"todo_{role}"))
