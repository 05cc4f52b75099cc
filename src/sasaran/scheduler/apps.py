from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "sasaran.scheduler"
    label = "scheduler"
    verbose_name = "Scheduler"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_analyze_after_migrate, sender=self)


def _analyze_after_migrate(using: str = "default", **kwargs) -> None:
    # A fresh or upgraded database gets its planner statistics at once, not at 03:37.
    from sasaran.scheduler.runner import analyze

    analyze()
