from delibe.api.main import api

urlpatterns = [*api.urls[0]]
app_name = "api"
