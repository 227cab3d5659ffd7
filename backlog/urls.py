from django.urls import path

from . import views

app_name = "backlog"
urlpatterns = [
    path("", views.campaign_list, name="index"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/remind/", views.campaign_remind, name="campaign_remind"),
    path("campaigns/<int:pk>/plan/", views.consolidation, name="plan"),
    path("campaigns/<int:pk>/plan.xlsx", views.consolidation_xlsx, name="plan_xlsx"),
    path("campaigns/<int:pk>/plan.pdf", views.consolidation_pdf, name="plan_pdf"),
    path("inventories/<int:pk>/", views.inventory_detail, name="inventory"),
    path("inventories/<int:pk>/template.xlsx", views.inventory_template, name="inventory_template"),
    path("inventories/<int:pk>/upload/", views.inventory_upload, name="inventory_upload"),
    path("inventories/<int:pk>/imports/<int:import_pk>/", views.inventory_import_status, name="inventory_import"),
    path("inventories/<int:pk>/imports/<int:import_pk>/retry/", views.inventory_import_retry,
         name="inventory_import_retry"),
    path("inventories/<int:pk>/submit/", views.inventory_submit, name="inventory_submit"),
    path("inventories/<int:pk>/return/", views.inventory_return, name="inventory_return"),
    path("inventories/<int:pk>/accept/", views.inventory_accept, name="inventory_accept"),
]
