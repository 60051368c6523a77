from django.contrib.auth import views as auth_views
from django.urls import path

from delibe.web.views import jury, notes, pages

app_name = "delibe"

urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(template_name="delibe/login.html",
                                                    redirect_authenticated_user=True), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", pages.home, name="home"),
    path("formations/<int:pk>/", pages.formation_detail, name="formation"),
    path("semestres/<int:pk>/", pages.semester_dashboard, name="semestre"),
    path("semestres/<int:pk>/evaluations/nouvelle/", pages.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/saisie/", notes.grid, name="saisie"),
    path("evaluations/<int:pk>/note/", notes.save_cell, name="save_cell"),
    path("evaluations/<int:pk>/feuille.xlsx", notes.download_sheet, name="feuille"),
    path("evaluations/<int:pk>/import/", notes.upload_sheet, name="import"),
    path("evaluations/<int:pk>/import/confirmer/", notes.confirm_import, name="import_confirm"),
    path("semestres/<int:pk>/jury/", jury.table, name="jury"),
    path("semestres/<int:pk>/jury/etudiants/<int:student_pk>/", jury.student_decisions, name="jury_etudiant"),
    path("semestres/<int:pk>/jury/etudiants/<int:student_pk>/motifs/", jury.student_reasons, name="jury_motifs"),
    path("semestres/<int:pk>/jury/propositions/", jury.confirm_proposals, name="jury_propositions"),
    path("semestres/<int:pk>/jury/cloture/", jury.lock, name="jury_cloture"),
    path("etudiants/", pages.student_list, name="etudiants"),
    path("etudiants/<int:pk>/", pages.student_detail, name="etudiant"),
    path("mes-resultats/", pages.own_results, name="mes_resultats"),
]
