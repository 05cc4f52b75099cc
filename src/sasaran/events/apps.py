from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "sasaran.events"
    label = "events"
    verbose_name = "Events"
