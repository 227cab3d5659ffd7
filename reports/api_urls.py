from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ComplianceView, ViolationViewSet

router = SimpleRouter()
router.register("violations", ViolationViewSet, basename="violation")
urlpatterns = [path("compliance/", ComplianceView.as_view(), name="api-compliance"), *router.urls]
