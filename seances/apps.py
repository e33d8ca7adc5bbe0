from django.apps import AppConfig


class SeancesConfig(AppConfig):
    name = "seances"
    verbose_name = "Séances d'APP"

    def ready(self):
        from mlhg_app import departures  # late: in ready, with the app's other registrations
        from seances import personal_data, retention  # late: they import models, ready once the registry is
        from seances.services.programme import member_leave_groups  # late: it imports models, idem

        retention.register()
        personal_data.register()
        departures.register("seances.groupes", member_leave_groups)
