from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "sasaran.work"
    label = "work"
    verbose_name = "Work"
