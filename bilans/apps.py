from django.apps import AppConfig


class BilansConfig(AppConfig):
    name = "bilans"
    verbose_name = "Bilans annuels"

    def ready(self):
        # late: these modules import the models, which load once the app registry is ready
        from bilans import feedback, retention, selectors
        from bilans.services import export
        from mlhg_app import todo
        from seances import review_sources

        retention.register()
        export.register()
        todo.register("responsable", selectors.todo_responsable)
        todo.register("prestataire", selectors.todo_prestataire)
        review_sources.register(review_sources.BILAN, selectors.revue_bilan_lines)
        review_sources.register(review_sources.FEEDBACK, feedback.revue_feedback_lines)
