from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "sasaran.scheduler"
    label = "scheduler"
    verbose_name = "Scheduler"
