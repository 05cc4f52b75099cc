from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OkrsConfig(AppConfig):
    name = "sasaran.okrs"
    label = "okrs"
    verbose_name = _("OKRs")

    def ready(self) -> None:
        from sasaran.okrs import jobs
        from sasaran.scheduler import registry

        registry.register(jobs.REFRESH_STATUSES)
