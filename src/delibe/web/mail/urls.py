from django.urls import path

from delibe.web.mail import views

app_name = "mail"

urlpatterns = [
    path("semestres/<int:pk>/", views.semester, name="semestre"),
    path("semestres/<int:pk>/essai/", views.send_test, name="essai"),
    path("semestres/<int:pk>/envoyer/", views.send_all, name="envoyer"),
    path("envois/<int:pk>/", views.mailing_page, name="envoi"),
    path("envois/<int:pk>/relancer/", views.retry, name="relancer"),
    path("boite/", views.mailbox, name="boite"),
]
