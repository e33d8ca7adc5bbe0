from django.apps import AppConfig


class BilansConfig(AppConfig):
    name = "bilans"
    verbose_name = "Bilans annuels"

    def ready(self):
        # late: these modules import the models, which load once the app registry is ready
        from bilans import retention
        from bilans.services import export

        retention.register()
        export.register()
