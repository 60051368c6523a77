from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "delibe.api"
    label = "delibe_api"
    verbose_name = "API REST"
    default_auto_field = "django.db.models.BigAutoField"
