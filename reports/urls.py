from django.urls import path

from .views import dashboard, downloads, violations

app_name = "reports"
urlpatterns = [
    path("", dashboard.dashboard_view, name="dashboard"),
    path("departments/<int:pk>/", dashboard.department_view, name="department"),
    path("monthly.pdf", downloads.monthly_pdf, name="monthly_pdf"),
    path("monthly.xlsx", downloads.monthly_xlsx, name="monthly_xlsx"),
    path("violations/", violations.violation_list, name="violations"),
    path("violations/<int:pk>/<slug:action>/", violations.violation_action, name="violation_action"),
    path("violations/points/", violations.deduction_table, name="deduction_table"),
    path("violations.pdf", downloads.violations_pdf, name="violations_pdf"),
    path("violations.xlsx", downloads.violations_xlsx, name="violations_xlsx"),
    path("emulation.pdf", downloads.emulation_pdf, name="emulation_pdf"),
    path("emulation.xlsx", downloads.emulation_xlsx, name="emulation_xlsx"),
]
