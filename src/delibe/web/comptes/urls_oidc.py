from django.urls import path

from delibe.web.comptes import views

app_name = "oidc"

urlpatterns = [
    path("connexion/", views.OidcLoginView.as_view(), name="connexion"),
    path("retour/", views.OidcCallbackView.as_view(), name="retour"),
]
