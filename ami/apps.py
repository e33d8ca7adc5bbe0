from django.apps import AppConfig


class AmiConfig(AppConfig):
    name = "ami"
    verbose_name = "AMI – appel à manifestation d'intérêt"
