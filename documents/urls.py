from django.urls import include, path

app_name = "documents"
urlpatterns = [
    path("", include("documents.urls_io")),
]
