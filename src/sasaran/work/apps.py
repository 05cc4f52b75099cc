from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "sasaran.work"
    label = "work"
    verbose_name = "Work"

    def ready(self) -> None:
        from sasaran.okrs.panels import register_kr_panel
        from sasaran.work.panels import initiatives

        register_kr_panel(initiatives)
