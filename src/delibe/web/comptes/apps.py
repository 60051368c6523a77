from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "delibe.web.comptes"
    label = "comptes"
    verbose_name = "Délibé — comptes et connexion universitaire"
    default_auto_field = "django.db.models.BigAutoField"
