from django.urls import path

from delibe.web.views import interop

app_name = "interop"

urlpatterns = [
    path("semestres/<int:pk>/etudiants/import/", interop.etudiants_import, name="etudiants"),
    path("semestres/<int:pk>/etudiants/import/confirmer/", interop.etudiants_confirm, name="etudiants_confirm"),
    path("semestres/<int:pk>/apogee/", interop.apogee, name="apogee"),
]
