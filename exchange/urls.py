from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("packages/<int:pk>/", views.package, name="package"),
    path("packages/<int:pk>/refuse/", views.package_refuse, name="package_refuse"),
    path("packages/<int:pk>/file/", views.package_file, name="package_file"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/file/", views.outbound_file, name="outbound_file"),
    path("send/<int:pk>/", views.send, name="send"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_update, name="organisation_update"),
]
