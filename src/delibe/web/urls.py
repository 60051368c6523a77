from django.contrib.auth import views as auth_views
from django.urls import path

from delibe.web.views import annees, etudiants, jury, notes, pages, publication, recap, statistiques

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
    path("evaluations/<int:pk>/remplir/", notes.fill_empty, name="remplir"),
    path("evaluations/<int:pk>/modifier/", pages.evaluation_edit, name="evaluation_edit"),
    path("evaluations/<int:pk>/supprimer/", pages.evaluation_delete, name="evaluation_delete"),
    path("evaluations/<int:pk>/feuille.xlsx", notes.download_sheet, name="feuille"),
    path("evaluations/<int:pk>/import/", notes.upload_sheet, name="import"),
    path("evaluations/<int:pk>/import/confirmer/", notes.confirm_import, name="import_confirm"),
    path("semestres/<int:pk>/jury/", jury.table, name="jury"),
    path("semestres/<int:pk>/jury/etudiants/<int:student_pk>/", jury.student_decisions, name="jury_etudiant"),
    path("semestres/<int:pk>/jury/etudiants/<int:student_pk>/motifs/", jury.student_reasons, name="jury_motifs"),
    path("semestres/<int:pk>/jury/propositions/", jury.confirm_proposals, name="jury_propositions"),
    path("semestres/<int:pk>/jury/cloture/", jury.lock, name="jury_cloture"),
    path("semestres/<int:pk>/recapitulatif/", recap.page, name="recap"),
    path("semestres/<int:pk>/recapitulatif.xlsx", recap.export, {"fmt": "xlsx"}, name="recap_xlsx"),
    path("semestres/<int:pk>/recapitulatif.csv", recap.export, {"fmt": "csv"}, name="recap_csv"),
    path("semestres/<int:pk>/publication/", publication.settings_page, name="publication"),
    path("semestres/<int:pk>/statistiques/", statistiques.page, name="statistiques"),
    path("departements/<int:pk>/cohortes/", statistiques.cohorts, name="cohortes"),
    path("departements/<int:pk>/annees/", annees.years, name="annees"),
    path("departements/<int:pk>/annees/nouvelle/", annees.create, name="annee_creer"),
    path("departements/<int:pk>/annees/copie/", annees.copy, name="annee_copier"),
    path("departements/<int:pk>/annees/<str:label>/archivage/", annees.archive, name="annee_archiver"),
    path("departements/<int:pk>/annees/<str:label>/passage/", annees.passage, name="passage"),
    path("etudiants/", pages.student_list, name="etudiants"),
    path("etudiants/<int:pk>/", pages.student_detail, name="etudiant"),
    path("etudiants/<int:pk>/gerer/", etudiants.manage, name="etudiant_gerer"),
    path("etudiants/<int:pk>/inscriptions/<int:enrolment_pk>/etat/", etudiants.exit_, name="etudiant_etat"),
    path("etudiants/<int:pk>/inscriptions/<int:enrolment_pk>/desinscrire/", etudiants.unenrol,
         name="etudiant_desinscrire"),
    path("semestres/<int:pk>/etudiants/ajouter/", etudiants.add, name="etudiant_ajouter"),
    path("mes-resultats/", pages.own_results, name="mes_resultats"),
    path("glossaire/", pages.glossary, name="glossaire"),
    path("aide/choix/", pages.choices, name="choix"),
]

# Documents (views/documents.py): bulletins, PV, lettres, relevés/attestations, fiche, lots.
from delibe.web.views import documents

urlpatterns += [
    path("documents/semestres/<int:pk>/", documents.semester_documents, name="documents_semestre"),
    path("documents/semestres/<int:pk>/pv.<str:fmt>", documents.pv_download, name="documents_pv"),
    path("documents/semestres/<int:pk>/lots/", documents.batch_start, name="documents_lot_start"),
    path("documents/semestres/<int:pk>/etudiants/<int:student_pk>/bulletin/", documents.bulletin_page,
         name="documents_bulletin"),
    path("documents/semestres/<int:pk>/etudiants/<int:student_pk>/bulletin.pdf", documents.bulletin_pdf,
         name="documents_bulletin_pdf"),
    path("documents/semestres/<int:pk>/etudiants/<int:student_pk>/bulletin.json", documents.bulletin_json,
         name="documents_bulletin_json"),
    path("documents/semestres/<int:pk>/etudiants/<int:student_pk>/lettre.pdf", documents.lettre_pdf,
         name="documents_lettre"),
    path("documents/etudiants/<int:student_pk>/", documents.student_documents, name="documents_etudiant"),
    path("documents/etudiants/<int:student_pk>/<str:diplome>/<str:kind>.pdf", documents.diploma_pdf,
         name="documents_diplome"),
    path("documents/formations/<int:pk>/fiche.pdf", documents.fiche_pdf, name="documents_fiche"),
    path("documents/lots/<str:job_id>/", documents.batch_page, name="documents_lot"),
    path("documents/lots/<str:job_id>/etat.json", documents.batch_status, name="documents_lot_etat"),
    path("documents/lots/<str:job_id>/telecharger/", documents.batch_download, name="documents_lot_zip"),
]
