from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "delibe.web.audit"
    label = "audit"
    verbose_name = "Délibé — journal"
    default_auto_field = "django.db.models.BigAutoField"
