from django.urls import path

from delibe.web.audit import views

app_name = "audit"

urlpatterns = [
    path("etudiants/<int:pk>/", views.student_log, name="etudiant"),
    path("evaluations/<int:pk>/", views.evaluation_log, name="evaluation"),
    path("evaluations/<int:pk>/annuler/", views.undo, name="annuler"),
    path("semestres/<int:pk>/", views.semester_log, name="semestre"),
    path("semestres/<int:pk>/reouvrir/", views.reopen, name="reouvrir"),
]
