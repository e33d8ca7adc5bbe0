from django.apps import AppConfig


class BilansConfig(AppConfig):
    name = "bilans"
    verbose_name = "Bilans annuels"

    def ready(self):
        from bilans import retention

        retention.register()
