from django.apps import AppConfig


class SeancesConfig(AppConfig):
    name = "seances"
    verbose_name = "Séances d'APP"

    def ready(self):
        from seances import personal_data, retention  # late: they import models, ready once the registry is

        retention.register()
        personal_data.register()
