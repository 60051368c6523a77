from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "delibe.web.jobs"
    label = "jobs"
    verbose_name = "Délibé — travaux en arrière-plan"
    default_auto_field = "django.db.models.BigAutoField"
