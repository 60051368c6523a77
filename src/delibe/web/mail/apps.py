from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "delibe.web.mail"
    label = "mail"
    verbose_name = "Délibé — courriels"
    default_auto_field = "django.db.models.BigAutoField"
