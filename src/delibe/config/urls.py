from django.contrib import admin
from django.urls import include, path

urlpatterns: list[object] = [
    path("admin/", admin.site.urls),
    path("", include("delibe.web.urls")),
]
