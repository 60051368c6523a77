from django.contrib import admin

from delibe.web.comptes.models import CasAccount, OidcAccount


@admin.register(CasAccount)
class CasAccountAdmin(admin.ModelAdmin):
    list_display = ("cas_id", "user")
    search_fields = ("cas_id", "user__username", "user__last_name", "user__email")
    autocomplete_fields = ("user",)


@admin.register(OidcAccount)
class OidcAccountAdmin(admin.ModelAdmin):
    list_display = ("oidc_id", "user")
    search_fields = ("oidc_id", "user__username", "user__last_name", "user__email")
    autocomplete_fields = ("user",)
