from django.apps import AppConfig


class AmiConfig(AppConfig):
    name = "ami"
    verbose_name = "AMI – appel à manifestation d'intérêt"

    def ready(self):
        # late: these modules import the models, which exist only once the app registry is ready
        from ami import personal_data, retention, selectors
        from ami.documents import exports
        from mlhg_app import todo

        retention.register()
        personal_data.register()
        exports.register()
        todo.register("staff", selectors.todo_staff)
        todo.register("evaluateur", selectors.todo_evaluateur)
        todo.register("prestataire", selectors.todo_prestataire)
