from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, DeadlineMiss, Inventory, InventoryLine


class LineInline(admin.TabularInline):
    model = InventoryLine
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "scope_until_year", "deadline", "status"]
    list_filter = ["status"]
    filter_horizontal = ["departments"]


@admin.register(Inventory)
class InventoryAdmin(SimpleHistoryAdmin):
    list_display = ["campaign", "department", "status", "late", "submitted_at"]
    list_filter = ["campaign", "status", "late"]
    inlines = [LineInline]


@admin.register(DeadlineMiss)
class DeadlineMissAdmin(admin.ModelAdmin):
    list_display = ["campaign", "department", "kind", "deadline", "submitted_at", "recorded_at"]
    list_filter = ["campaign", "kind"]
