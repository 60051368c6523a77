from django.urls import path

from delibe.web.assiduite import views

app_name = "assiduite"

urlpatterns = [
    path("semestres/<int:pk>/appel/", views.appel, name="appel"),
    path("semestres/<int:pk>/import/", views.import_csv, name="import"),
    path("justificatifs/", views.justificatifs, name="justificatifs"),
    path("justificatifs/<int:pk>/piece/", views.piece, name="piece"),
    path("mon-justificatif/", views.mon_justificatif, name="mon_justificatif"),
    path("departements/<int:pk>/rapports/", views.rapports, name="rapports"),
]
