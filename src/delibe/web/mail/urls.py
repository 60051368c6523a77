from django.urls import path

from delibe.web.mail import views

app_name = "mail"

urlpatterns = [
    path("semestres/<int:pk>/", views.semester, name="semestre"),
    path("semestres/<int:pk>/essai/", views.send_test, name="essai"),
    path("semestres/<int:pk>/envoyer/", views.send_all, name="envoyer"),
    path("envois/<int:pk>/", views.mailing_page, name="envoi"),
    path("envois/<int:pk>/relancer/", views.retry, name="relancer"),
    path("departements/<int:pk>/", views.department, name="departement"),
    path("departements/<int:pk>/rapports/essai/", views.reports_test, name="rapports_essai"),
    path("departements/<int:pk>/rapports/envoyer/", views.reports_send, name="rapports_envoyer"),
    path("departements/<int:pk>/alertes/", views.alerts_check, name="alertes"),
    path("departements/<int:pk>/alertes/essai/", views.alerts_test, name="alertes_essai"),
    path("boite/", views.mailbox, name="boite"),
]
