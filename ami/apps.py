from django.apps import AppConfig


class AmiConfig(AppConfig):
    name = "ami"
    verbose_name = "AMI – appel à manifestation d'intérêt"

    def ready(self):
        # late: these modules import the models, which exist only once the app registry is ready
        from ami import personal_data, retention
        from ami.documents import exports

        retention.register()
        personal_data.register()
        exports.register()
