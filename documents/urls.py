from django.urls import include, path

from .views import detail, entry, evidence, inbox, registers

app_name = "documents"
urlpatterns = [
    path("", registers.register_list, name="list"),
    path("to-handle/", registers.to_handle, name="to_handle"),
    path("inbox/leadership/", inbox.leadership_inbox, name="leadership_inbox"),
    path("inbox/department/", inbox.department_inbox, name="department_inbox"),
    path("deadlines/", inbox.deadlines, name="deadlines"),
    path("officer-options/", inbox.officer_options, name="officer_options"),
    path("trash/", registers.trash, name="trash"),
    path("unevidenced/", evidence.unevidenced, name="unevidenced"),
    path("incoming/new/", entry.incoming_create, name="incoming_create"),
    path("outgoing/new/", entry.outgoing_create, name="outgoing_create"),
    path("internal/new/", entry.internal_create, name="internal_create"),
    path("<int:pk>/", detail.document_detail, name="detail"),
    path("<int:pk>/submit/", detail.document_submit, name="submit"),
    path("<int:pk>/assign/", detail.document_assign, name="assign"),
    path("<int:pk>/assign/panel/", inbox.assign_panel, name="assign_panel"),
    path("<int:pk>/dispatch/", inbox.document_dispatch, name="dispatch"),
    path("<int:pk>/dispatch/panel/", inbox.dispatch_panel, name="dispatch_panel"),
    path("<int:pk>/send-back/", inbox.document_send_back, name="send_back"),
    path("<int:pk>/acknowledge/", inbox.document_acknowledge, name="acknowledge"),
    path("<int:pk>/progress/", detail.document_progress, name="progress"),
    path("<int:pk>/complete/", detail.document_complete, name="complete"),
    path("<int:pk>/attachments/", detail.document_attach, name="attach"),
    path("<int:pk>/attachments/<int:attachment_pk>/", detail.attachment_download, name="attachment"),
    path("<int:pk>/delete/", detail.document_delete, name="delete"),
    path("<int:pk>/restore/", detail.document_restore, name="restore"),
    path("", include("documents.urls_io")),
]
