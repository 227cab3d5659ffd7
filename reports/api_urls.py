from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ComplianceView, MonthActionView, MonthDiffView, MonthStateView, ViolationViewSet

router = SimpleRouter()
router.register("violations", ViolationViewSet, basename="violation")
urlpatterns = [
    path("compliance/", ComplianceView.as_view(), name="api-compliance"),
    path("months/<str:month>/", MonthStateView.as_view(), name="api-month"),
    path("months/<str:month>/diff/", MonthDiffView.as_view(), name="api-month-diff"),
    *[path(f"months/<str:month>/{name}/", MonthActionView.as_view(action_name=name), name=f"api-month-{name}")
      for name in ("close", "accept", "discard")],
    *router.urls,
]
