from django.apps import AppConfig


class SeancesConfig(AppConfig):
    name = "seances"
    verbose_name = "Séances d'APP"

    def ready(self):
        # late: in ready, once models are loaded, with the app's other registrations
        from mlhg_app import departures, todo
        from seances import personal_data, retention, selectors
        from seances.services.certificates import register_exports
        from seances.services.programme import member_leave_groups

        retention.register()
        personal_data.register()
        departures.register("seances.groupes", member_leave_groups)
        register_exports()
        # staff's and the prestataire's: the séances', then the provider's review (issue 20)
        todo.register("staff", selectors.todo_staff, selectors.todo_staff_revue)
        todo.register("responsable", selectors.todo_responsable)
        todo.register("prestataire", selectors.todo_prestataire, selectors.todo_prestataire_revue)
        todo.register("intervenant", selectors.todo_intervenant)
        todo.register("conseiller", selectors.todo_conseiller)
