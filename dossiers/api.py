"""JSON API for dossiers and file plans: the same scope (`visible_to`), filters and services as
the pages. A refusal is a 400 with the page's Vietnamese message; out of scope is a 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from documents.models import Document
from recordsportal.guards import get_visible_or_404
from recordsportal.services import DomainError

from . import services
from .filters import DossierFilter
from .models import Dossier, DossierItem, FilePlan, FilePlanEntry
from .querysets import dossier_get_for_user, dossier_items_for, items_shown_to


class DossierItemSerializer(serializers.ModelSerializer):
    """An item as the caller may read it: serialise items from `dossier_items_for(user, dossier)`,
    whose `shown` holds a document's number and summary only when the caller may open it."""

    form = serializers.CharField(read_only=True)
    display_title = serializers.CharField(source="shown_title", read_only=True,
                                          help_text="“Văn bản mật” for a document the caller may not open.")
    document_number_symbol = serializers.SerializerMethodField()
    document_visible = serializers.SerializerMethodField()

    class Meta:
        model = DossierItem
        fields = ["id", "position", "kind", "document", "document_number_symbol", "document_visible", "display_title",
                  "original_name", "size", "sha256", "form", "added_at"]
        read_only_fields = fields

    def get_document_number_symbol(self, item) -> str | None:
        return (item.shown.number or None) if item.shown else None

    def get_document_visible(self, item) -> bool | None:
        return item.shown.visible if item.shown else None


class DossierSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    officer_name = serializers.CharField(source="officer.full_name", read_only=True)

    class Meta:
        model = Dossier
        fields = ["id", "code", "year", "number_symbol", "title", "plan_entry", "department", "department_name",
                  "officer", "officer_name", "retention_years", "opened_on", "ended_on", "status", "kept_in_portal",
                  "form", "sheets", "pages", "due_on", "retained_until", "archived_on", "return_reason", "version"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisiblePlanEntryField(serializers.PrimaryKeyRelatedField):
    """Only entries of file plans the caller may see can be named."""

    def get_queryset(self):
        request = self.context.get("request")
        return FilePlanEntry.objects.filter(plan__in=FilePlan.objects.visible_to(request.user)).select_related(
            "plan__department")


class DossierOpenSerializer(serializers.Serializer):
    plan_entry = VisiblePlanEntryField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    retention_years = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True,
                                               default=None, help_text="0 = vĩnh viễn")
    number_symbol = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    opened_on = serializers.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    kept_in_portal = serializers.BooleanField(default=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ItemAddSerializer(serializers.Serializer):
    document = serializers.IntegerField(required=False, help_text="Id of a registered document the caller may see.")
    paper_title = serializers.CharField(max_length=500, required=False,
                                        help_text="Or: the title of a record that exists only on paper.")

    def validate(self, attrs):
        if bool(attrs.get("document")) == bool(attrs.get("paper_title")):
            raise serializers.ValidationError("Gửi một trong hai: document hoặc paper_title.")
        return attrs


class CloseSerializer(serializers.Serializer):
    ended_on = serializers.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    sheets = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    pages = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    closing_note = serializers.CharField(required=False, allow_blank=True, default="")
    expected_version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, source="version",
        help_text="The dossier's `version` as last read; the close is refused with 409 if it has changed since.")


class NewestFirst(CursorPagination):
    # Keyset pagination: the last page of 500,000 dossiers costs what the first costs.
    ordering = ("-opened_on", "-id")
    page_size = 50


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """Dossiers the caller may see (officers: their own; heads: their department; the Office and
    leadership: all). `POST` opens a dossier for the caller."""

    serializer_class = DossierSerializer
    filterset_class = DossierFilter
    pagination_class = NewestFirst

    def get_queryset(self):
        return Dossier.objects.visible_to(self.request.user).select_related("department", "officer")

    def get_object(self):
        return dossier_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=DossierOpenSerializer, responses={201: DossierSerializer})
    def create(self, request, *args, **kwargs):
        payload = DossierOpenSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        dossier = services.dossier_open(acting_user=request.user, **payload.validated_data)
        return Response(DossierSerializer(dossier).data, status=201)

    @extend_schema(methods=["GET"], request=None, responses={200: DossierItemSerializer(many=True)})
    @extend_schema(methods=["POST"], request=ItemAddSerializer, responses={201: DossierItemSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def items(self, request, pk=None):
        """The dossier's items in order; `POST` adds a registered document (by id) or a paper
        record (by title)."""
        dossier = self.get_object()
        if request.method == "GET":
            return Response(DossierItemSerializer(dossier_items_for(request.user, dossier), many=True).data)
        payload = ItemAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if payload.validated_data.get("document"):
            document = Document.objects.filter(pk=payload.validated_data["document"]).first()
            if document is None:
                raise DomainError("Không tìm thấy văn bản trong các sổ bạn được xem.", field="document")
            item = services.dossier_add_document(acting_user=request.user, dossier=dossier, document=document)
        else:
            item = services.dossier_add_paper_item(acting_user=request.user, dossier=dossier,
                                                   title=payload.validated_data["paper_title"])
        [item] = items_shown_to(request.user, [item])
        return Response(DossierItemSerializer(item).data, status=201)

    @extend_schema(request=CloseSerializer, responses={200: DossierSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def close(self, request, pk=None):
        dossier = self.get_object()
        payload = CloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments = dict(payload.validated_data)
        arguments["expected_version"] = arguments.pop("version")
        dossier = services.dossier_close(acting_user=request.user, dossier=dossier, **arguments)
        return Response(DossierSerializer(dossier).data)


class FilePlanEntrySerializer(serializers.ModelSerializer):
    heading_title = serializers.CharField(source="heading.title", read_only=True)

    class Meta:
        model = FilePlanEntry
        fields = ["id", "number", "number_symbol", "title", "heading", "heading_title", "retention_years",
                  "responsible", "notes"]
        read_only_fields = fields


class FilePlanSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    entries = FilePlanEntrySerializer(many=True, read_only=True)

    class Meta:
        model = FilePlan
        fields = ["id", "year", "department", "department_name", "notes", "entries"]
        read_only_fields = fields


class SmallPages(CursorPagination):
    ordering = ("-year", "id")
    page_size = 20


class FilePlanViewSet(viewsets.ReadOnlyModelViewSet):
    """File plans the caller may see, with their entries (open a dossier from one with
    `POST /dossiers/ {"plan_entry": id}`)."""

    serializer_class = FilePlanSerializer
    pagination_class = SmallPages
    filterset_fields = ["year", "department"]

    def get_queryset(self):
        return (FilePlan.objects.visible_to(self.request.user).select_related("department")
                .prefetch_related("entries__heading"))

    def get_object(self):
        return get_visible_or_404(self.get_queryset(), pk=self.kwargs["pk"])
