from django.urls import path

from .views import dashboard, downloads, months, violation_detail, violations
from .views import journal

app_name = "reports"
urlpatterns = [
    path("", dashboard.dashboard_view, name="dashboard"),
    path("departments/<int:pk>/", dashboard.department_view, name="department"),
    path("months/", months.month_list, name="months"),
    path("months/<str:month>/", months.month_detail, name="month"),
    path("months/<str:month>/<slug:action>/", months.month_action, name="month_action"),
    path("monthly.pdf", downloads.monthly_pdf, name="monthly_pdf"),
    path("monthly.xlsx", downloads.monthly_xlsx, name="monthly_xlsx"),
    path("violations/", violations.violation_list, name="violations"),
    path("violations/<int:pk>/", violation_detail.violation_detail, name="violation"),
    path("violations/<int:pk>/<slug:action>/", violations.violation_action, name="violation_action"),
    path("violations/points/", violations.deduction_table, name="deduction_table"),
    path("violations.pdf", downloads.violations_pdf, name="violations_pdf"),
    path("violations.xlsx", downloads.violations_xlsx, name="violations_xlsx"),
    path("emulation.pdf", downloads.emulation_pdf, name="emulation_pdf"),
    path("emulation.xlsx", downloads.emulation_xlsx, name="emulation_xlsx"),
    path("journal/", journal.journal_view, name="journal"),
    path("journal.xlsx", journal.journal_xlsx, name="journal_xlsx"),
]
