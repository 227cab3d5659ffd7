from rest_framework import generics, viewsets
from rest_framework.pagination import PageNumberPagination

from ..models import Department, User
from ..names import by_name
from .serializers import DepartmentSerializer, UserSerializer


class SmallPages(PageNumberPagination):
    page_size = 100


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The department tree. Departments are not secret: everyone picks recipients from it."""

    serializer_class = DepartmentSerializer
    queryset = Department.objects.active().order_by("path")
    pagination_class = SmallPages
    filterset_fields = ["kind", "parent"]


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """People whose work the caller may see (the same scope as the Cán bộ page)."""

    serializer_class = UserSerializer
    pagination_class = SmallPages
    filterset_fields = ["department"]

    def get_queryset(self):
        return (
            User.objects.visible_to(self.request.user)
            .filter(is_active=True)
            .select_related("department")
            .prefetch_related("groups")
            .order_by(by_name(), "id")
        )


class Me(generics.RetrieveAPIView):
    """The caller's own profile and roles."""

    serializer_class = UserSerializer

    def get_object(self):
        return self.request.user
