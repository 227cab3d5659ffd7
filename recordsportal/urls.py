from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .api import urls as api_urls
from .views import exports, health, home, people, staff

staff_patterns = (
    [
        path("", staff.StaffIndex.as_view(), name="index"),
        path("agency/", staff.AgencyEdit.as_view(), name="agency"),
        path("departments/", staff.DepartmentList.as_view(), name="departments"),
        path("departments/new/", staff.DepartmentCreate.as_view(), name="department_create"),
        path("departments/<int:pk>/", staff.DepartmentUpdate.as_view(), name="department_update"),
        path("users/", staff.UserList.as_view(), name="users"),
        path("users/new/", staff.UserCreate.as_view(), name="user_create"),
        path("users/<int:pk>/", staff.UserUpdate.as_view(), name="user_update"),
    ],
    "staff",
)

export_patterns = (
    [
        path("<int:pk>/", exports.export_detail, name="detail"),
        path("<int:pk>/download/", exports.export_download, name="download"),
        path("<int:pk>/retry/", exports.export_retry, name="retry"),
    ],
    "exports",
)

urlpatterns = [
    path("", home.home, name="home"),
    path("exports/", include(export_patterns)),
    path("people/", people.people, name="people"),
    path("staff/", include(staff_patterns)),
    path("documents/", include("documents.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("backlog/", include("backlog.urls")),
    path("reports/", include("reports.urls")),
    path("exchange/", include("exchange.urls")),
    path("notifications/", include("notifications.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health.health, name="health"),
    path("api/v1/", include(api_urls)),
    path("api/v1/", include("documents.api_urls")),
    path("api/v1/", include("dossiers.api_urls")),
    path("api/v1/backlog/", include("backlog.api_urls")),
    path("api/v1/", include("reports.api_urls")),
    path("api/v1/exchange/", include("exchange.api_urls")),
    path("api/v1/", include("notifications.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (no inline script); Swagger UI's own
    # page still carries a <style> block and sets inline styles: allowed on this page only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

handler400 = "recordsportal.views.errors.bad_request"
handler403 = "recordsportal.views.errors.permission_denied"
handler404 = "recordsportal.views.errors.page_not_found"
handler500 = "recordsportal.views.errors.server_error"
