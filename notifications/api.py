"""JSON API: one's own notifications, and marking them read (the same services as the pages)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from recordsportal.guards import get_visible_or_404

from . import services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first; `?unread=1` for the unread ones only."""

    serializer_class = NotificationSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        notifications = Notification.objects.for_user(self.request.user)
        if self.request.query_params.get("unread") == "1":
            notifications = notifications.unread()
        return notifications

    def get_object(self):
        return get_visible_or_404(Notification.objects.for_user(self.request.user), pk=self.kwargs["pk"])

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(acting_user=request.user, notification=notification)
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: inline_serializer("ReadAll", {"marked": serializers.IntegerField()})})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notifications_mark_all_read(acting_user=request.user)})
