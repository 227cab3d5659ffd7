from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import DepartmentViewSet, Me, UserViewSet

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("users", UserViewSet, basename="user")

urlpatterns = [path("me/", Me.as_view(), name="api-me"), *router.urls]
