from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "sasaran.work"
    label = "work"
    verbose_name = "Work"

    def ready(self) -> None:
        from sasaran.okrs.demo import register_demo_extra
        from sasaran.okrs.panels import register_kr_panel
        from sasaran.work.demo import add_demo_work
        from sasaran.work.panels import initiatives

        register_kr_panel(initiatives)
        register_demo_extra(add_demo_work)
