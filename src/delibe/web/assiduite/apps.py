from django.apps import AppConfig


class AssiduiteConfig(AppConfig):
    name = "delibe.web.assiduite"
    label = "assiduite"
    verbose_name = "Délibé — assiduité"
    default_auto_field = "django.db.models.BigAutoField"
