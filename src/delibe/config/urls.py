from django.contrib import admin
from django.urls import include, path

urlpatterns: list[object] = [
    path("admin/", admin.site.urls),
    path("journal/", include("delibe.web.audit.urls")),
    path("api/", include("delibe.api.urls")),
    path("assiduite/", include("delibe.web.assiduite.urls")),
    path("courriels/", include("delibe.web.mail.urls")),
    path("cas/", include("delibe.web.comptes.urls")),
    path("oidc/", include("delibe.web.comptes.urls_oidc")),
    path("", include("delibe.web.interop_urls")),
    path("", include("delibe.web.urls")),
]
