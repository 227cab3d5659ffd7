"""JSON API for backlog inventories: the same scope (querysets) and the same actions (services)
as the pages. A refused action is a 400 with the page's Vietnamese message (the project's
exception handler); a row out of scope is a 404, like a missing one."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from recordsportal.models import Department

from . import services
from .models import Campaign, Inventory, InventoryLine
from .querysets import campaign_get_for_user, inventory_get_for_user
from .rules import LINE_FIELDS, deadline_problem


class ByIdPages(CursorPagination):
    ordering = "-id"
    page_size = 50


class CampaignSerializer(serializers.ModelSerializer):
    created_by_name = serializers.CharField(source="created_by.full_name", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id", "title", "scope_until_year", "deadline", "effort_norm", "departments", "status",
            "created_by", "created_by_name", "created_at", "closed_at",
        ]
        read_only_fields = ["status", "created_by", "created_by_name", "created_at", "closed_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].child_relation.queryset = Department.objects.active()

    def validate_deadline(self, value):
        problem = deadline_problem(value, current=self.instance.deadline if self.instance is not None else None)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class LineInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = InventoryLine
        fields = LINE_FIELDS


class InventoryLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InventoryLine
        fields = ["id", "inventory", "order", *LINE_FIELDS]
        read_only_fields = ["order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only drafts the caller may fill: another department's id reads as "does not exist".
            self.fields["inventory"].queryset = Inventory.objects.editable_by(request.user)


class LinesReplaceSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="Phiên bản đã đọc; bị từ chối nếu đã có người sửa.")
    lines = LineInputSerializer(many=True)


class InventorySerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    lines = InventoryLineSerializer(many=True, read_only=True)

    class Meta:
        model = Inventory
        fields = [
            "id", "campaign", "department", "department_name", "status", "declared_none", "late",
            "first_submitted_at", "submitted_at", "submitted_by", "return_reason", "reviewed_at", "version", "lines",
        ]
        read_only_fields = [f for f in fields if f not in ("campaign", "department")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "campaign" in self.fields:
            self.fields["campaign"].queryset = Campaign.objects.visible_to(request.user)


class SubmitSerializer(serializers.Serializer):
    declare_none = serializers.BooleanField(default=False, help_text="Xác nhận không có tài liệu tồn đọng (khi chưa có dòng nào).")


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _lines_rejected(error: services.LinesRejected):
    raise ValidationError({"detail": error.message, "errors": error.errors})


class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Campaigns the caller may see: every one for the Office, leadership and the administrator;
    those including their department for a head. Creating one opens it (Office)."""

    serializer_class = CampaignSerializer
    pagination_class = ByIdPages
    filterset_fields = ["status"]

    def get_queryset(self):
        return Campaign.objects.visible_to(self.request.user).select_related("created_by").prefetch_related("departments")

    def get_object(self):
        return campaign_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.campaign_open(acting_user=self.request.user, **data)

    @extend_schema(request=None, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, format=None):
        campaign = services.campaign_close(acting_user=request.user, campaign=self.get_object())
        return Response(CampaignSerializer(campaign).data)


class InventoryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inventories in the caller's scope (a head: their department and the units under it).
    Creating one adds a department to an open campaign (Office)."""

    serializer_class = InventorySerializer
    pagination_class = ByIdPages
    filterset_fields = ["campaign", "department", "status", "late"]

    def get_queryset(self):
        return (
            Inventory.objects.visible_to(self.request.user)
            .select_related("department")
            .prefetch_related("lines")
        )

    def get_object(self, write=False):
        return inventory_get_for_user(user=self.request.user, pk=self.kwargs["pk"], write=write)

    def perform_create(self, serializer):
        serializer.instance = services.inventory_create(
            acting_user=self.request.user,
            campaign=serializer.validated_data["campaign"],
            department=serializer.validated_data["department"],
        )

    @extend_schema(request=SubmitSerializer, responses=InventorySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, format=None):
        body = SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        inventory = services.inventory_submit(
            acting_user=request.user, inventory=self.get_object(write=True), declare_none=body.validated_data["declare_none"]
        )
        return Response(InventorySerializer(inventory).data)

    @extend_schema(request=ReturnSerializer, responses=InventorySerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None, format=None):
        inventory = self.get_object()  # scope first: out of scope is a 404 whatever the body
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        inventory = services.inventory_return(
            acting_user=request.user, inventory=inventory, reason=body.validated_data["reason"]
        )
        return Response(InventorySerializer(inventory).data)

    @extend_schema(request=None, responses=InventorySerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, format=None):
        inventory = services.inventory_accept(acting_user=request.user, inventory=self.get_object())
        return Response(InventorySerializer(inventory).data)

    @extend_schema(request=LinesReplaceSerializer, responses=InventorySerializer)
    @action(detail=True, methods=["put"], url_path="lines")
    def replace_lines(self, request, pk=None, format=None):
        """Replace all lines of a draft at once (like saving the page): all or nothing."""
        inventory = self.get_object(write=True)
        body = LinesReplaceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.inventory_save_lines(
                acting_user=request.user,
                inventory=inventory,
                lines=[dict(line) for line in body.validated_data["lines"]],
                expected_version=body.validated_data.get("version"),
            )
        except services.LinesRejected as error:
            _lines_rejected(error)
        inventory.refresh_from_db()
        return Response(InventorySerializer(inventory).data)


class InventoryLineViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Lines of the inventories in the caller's scope. Creating a line appends it to a draft
    inventory of a department the caller heads."""

    serializer_class = InventoryLineSerializer
    pagination_class = ByIdPages
    filterset_fields = ["inventory"]

    def get_queryset(self):
        return InventoryLine.objects.visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        inventory = inventory_get_for_user(user=request.user, pk=data.pop("inventory").pk, write=True)
        try:
            line = services.inventory_line_add(acting_user=request.user, inventory=inventory, **data)
        except services.LinesRejected as error:
            _lines_rejected(error)
        return Response(InventoryLineSerializer(line).data, status=status.HTTP_201_CREATED)
