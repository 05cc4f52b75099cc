from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sasaran.web"
    label = "web"
