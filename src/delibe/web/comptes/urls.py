from django.urls import path

from delibe.web.comptes import views

app_name = "comptes"

urlpatterns = [
    path("connexion/", views.CasLoginView.as_view(), name="cas_login"),
]
