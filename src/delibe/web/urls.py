from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from delibe.web.comptes import views as comptes
from delibe.web.views import annees, etudiants, groupes, jury, notes, pages, publication, recap, statistiques

app_name = "delibe"

urlpatterns = [
    path("connexion/", comptes.LoginView.as_view(), name="login"),
    path("deconnexion/", comptes.LogoutView.as_view(), name="logout"),  # ends a CAS session at the CAS server too
    # Password reset by e-mail (Django's auth views, French templates in templates/delibe/motdepasse/)
    path("mot-de-passe/oublie/", auth_views.PasswordResetView.as_view(
        template_name="delibe/motdepasse/demande.html", email_template_name="delibe/motdepasse/courriel.txt",
        subject_template_name="delibe/motdepasse/objet.txt", success_url=reverse_lazy("delibe:password_reset_done"),
    ), name="password_reset"),
    path("mot-de-passe/oublie/envoye/", auth_views.PasswordResetDoneView.as_view(
        template_name="delibe/motdepasse/envoye.html"), name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="delibe/motdepasse/nouveau.html", success_url=reverse_lazy("delibe:password_reset_complete"),
    ), name="password_reset_confirm"),
    path("mot-de-passe/change/", auth_views.PasswordResetCompleteView.as_view(
        template_name="delibe/motdepasse/fait.html"), name="password_reset_complete"),
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
    path("departements/<int:pk>/annees/<str:label>/passage/annuler/", annees.passage_undo, name="passage_annuler"),
    path("etudiants/", pages.student_list, name="etudiants"),
    path("etudiants/<int:pk>/", pages.student_detail, name="etudiant"),
    path("etudiants/<int:pk>/gerer/", etudiants.manage, name="etudiant_gerer"),
    path("etudiants/<int:pk>/contrat/", etudiants.contract, name="etudiant_contrat"),
    path("etudiants/<int:pk>/inscriptions/<int:enrolment_pk>/etat/", etudiants.exit_, name="etudiant_etat"),
    path("etudiants/<int:pk>/inscriptions/<int:enrolment_pk>/desinscrire/", etudiants.unenrol,
         name="etudiant_desinscrire"),
    path("etudiants/<int:pk>/inscriptions/<int:enrolment_pk>/parcours/", etudiants.parcours,
         name="etudiant_parcours"),
    path("semestres/<int:pk>/demissions/", etudiants.exits, name="demissions"),
    path("semestres/<int:pk>/etudiants/ajouter/", etudiants.add, name="etudiant_ajouter"),
    path("mes-resultats/", pages.own_results, name="mes_resultats"),
    # groups and photos (issue 13)
    path("semestres/<int:pk>/groupes/", groupes.editor, name="groupes"),
    path("semestres/<int:pk>/emargement.<str:fmt>", groupes.emargement, name="emargement"),
    path("semestres/<int:pk>/trombinoscope.pdf", groupes.trombinoscope, name="trombinoscope"),
    path("etudiants/<int:pk>/semestres/<int:run_pk>/groupes/", groupes.student_groups, name="etudiant_groupes"),
    path("etudiants/<int:pk>/photo.jpg", groupes.photo, name="photo"),
    path("departements/<int:pk>/photos/", groupes.photos_import, name="photos_import"),
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

# People, module assignments, department settings (issue 13): views/people.py, views/department_settings.py.
from delibe.web.views import department_settings, people

urlpatterns += [
    path("personnes/", people.people, name="personnes"),
    path("personnes/<int:pk>/", people.person, name="personne"),
    path("personnes/<int:pk>/roles/<int:membership_pk>/retirer/", people.person_role_remove,
         name="personne_role_retirer"),
    path("personnes/<int:pk>/activation/", people.person_active, name="personne_activation"),
    path("personnes/<int:pk>/invitation/", people.person_invite, name="personne_invitation"),
    path("invitation/<uidb64>/<token>/", people.invitation, name="invitation"),
    path("invitation/faite/", people.invitation_done, name="invitation_faite"),
    path("semestres/<int:pk>/enseignements/", people.teaching_page, name="enseignements"),
    path("departements/<int:pk>/reglages/", department_settings.page, name="reglages"),
]

# Department creation and formation import (issue 13): views/formations_import.py.
from delibe.web.views import formations_import

urlpatterns += [
    path("departements/nouveau/", formations_import.department_create, name="departement_creer"),
    path("departements/<int:pk>/formations/import/", formations_import.formation_import, name="formation_import"),
    path("departements/<int:pk>/formations/import/confirmer/", formations_import.formation_import_confirm,
         name="formation_import_confirm"),
]
