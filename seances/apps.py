from django.apps import AppConfig


class SeancesConfig(AppConfig):
    name = "seances"
    verbose_name = "Séances d'APP"

    def ready(self):
        from seances import personal_data, retention

        retention.register()
        personal_data.register()
