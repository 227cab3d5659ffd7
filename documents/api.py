"""JSON API for documents: the same filters, scope and services as the pages."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from recordsportal.dates import sentence
from recordsportal.guards import get_visible_or_404
from recordsportal.models import Department, User

from . import rules, services
from .choices import Confidentiality, Form, Kind, Urgency
from .filters import DocumentFilter
from .models import Document


class DocumentSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", default=None, read_only=True)
    officer_name = serializers.CharField(source="officer.full_name", default=None, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id", "direction", "register_year", "number", "number_symbol", "kind", "summary", "document_date",
            "register_date", "issuer", "recipients", "signer", "form", "received_medium", "urgency",
            "confidentiality", "status", "department", "department_name", "officer", "officer_name",
            "deadline", "direction_note", "completed_at", "is_overdue",
        ]
        read_only_fields = fields


class IncomingCreateSerializer(serializers.Serializer):
    number_symbol = serializers.CharField(max_length=100)
    issuer = serializers.CharField(max_length=255)
    summary = serializers.CharField()
    document_date = serializers.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    arrival_date = serializers.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.OFFICIAL_LETTER)
    form = serializers.ChoiceField(choices=Form.choices, default=Form.ELECTRONIC)
    received_medium = serializers.ChoiceField(choices=Form.choices, default=Form.ELECTRONIC)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, default=Confidentiality.NORMAL)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    allow_duplicate = serializers.BooleanField(default=False)

    def validate(self, attrs):
        # The arrival defaults to today, as in the service.
        problems = rules.incoming_date_problems(document_date=attrs.get("document_date"),
                                                arrival_date=attrs.get("arrival_date") or timezone.localdate())
        if problems:
            raise serializers.ValidationError({field: [sentence(p)] for field, p in problems.items()})
        return attrs


class AssignSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.active())
    officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False, allow_null=True)
    co_handlers = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True, required=False)
    deadline = serializers.DateField(required=False, allow_null=True)
    direction_note = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class NewestFirst(CursorPagination):
    # Keyset pagination: page 40,000 costs what page 1 costs.
    ordering = ("-register_date", "-id")
    page_size = 50


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Documents the caller may see. `POST` registers an incoming document (Office staff)."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    pagination_class = NewestFirst

    def get_queryset(self):
        return Document.objects.visible_to(self.request.user).select_related("department", "officer")

    def get_object(self):
        return get_visible_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=IncomingCreateSerializer, responses={201: DocumentSerializer})
    def create(self, request, *args, **kwargs):
        payload = IncomingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.incoming_register(acting_user=request.user, **payload.validated_data)
        return Response(DocumentSerializer(document).data, status=201)

    @extend_schema(request=AssignSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        document = self.get_object()
        payload = AssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.incoming_assign(acting_user=request.user, document=document, **payload.validated_data)
        return Response(DocumentSerializer(document).data)

    @extend_schema(request=CompleteSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        document = self.get_object()
        payload = CompleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.incoming_complete(acting_user=request.user, document=document, **payload.validated_data)
        return Response(DocumentSerializer(document).data)
