from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "delibe.web"
    label = "delibe"
    verbose_name = "Délibé"
    default_auto_field = "django.db.models.BigAutoField"
