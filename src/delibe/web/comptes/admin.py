from django.contrib import admin

from delibe.web.comptes.models import CasAccount


@admin.register(CasAccount)
class CasAccountAdmin(admin.ModelAdmin):
    list_display = ("cas_id", "user")
    search_fields = ("cas_id", "user__username", "user__last_name", "user__email")
    autocomplete_fields = ("user",)
