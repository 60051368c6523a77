from django.contrib import admin

from delibe.web.assiduite.models import AbsenceRecord, AlternanceWeek, JustificationRecord, ReglementConfig


@admin.register(ReglementConfig)
class ReglementConfigAdmin(admin.ModelAdmin):
    list_display = ("department", "applies_from", "reference", "date_reglement", "seuil_atj_actif", "penalite_active")


@admin.register(AlternanceWeek)
class AlternanceWeekAdmin(admin.ModelAdmin):
    list_display = ("semester", "groupe", "lundi", "lieu")
    list_filter = ("semester", "lieu")


@admin.register(AbsenceRecord)
class AbsenceRecordAdmin(admin.ModelAdmin):
    list_display = ("student", "date", "creneau", "module_code", "nature")
    list_filter = ("nature", "creneau")


@admin.register(JustificationRecord)
class JustificationRecordAdmin(admin.ModelAdmin):
    list_display = ("student", "debut", "fin", "motif", "statut")
    list_filter = ("statut",)
