"""Read-mostly admin for staff: changes go through the pages (the services check the rules)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ArchiveBatch, Dossier, FilePlan, RetentionList


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FilePlan)
class FilePlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "department"]
    list_filter = ["year"]


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "department", "officer", "status", "form", "opened_on", "due_on"]
    list_filter = ["status", "form"]
    search_fields = ["code"]
    show_full_result_count = False  # 500,000 rows: no COUNT(*) per page


@admin.register(ArchiveBatch)
class ArchiveBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "department", "status", "submitted_at", "received_at"]
    list_filter = ["status"]


@admin.register(RetentionList)
class RetentionListAdmin(ReadOnlyAdmin):
    list_display = ["pk", "department", "status", "created_at"]
    list_filter = ["status"]
