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
from . import handling
from .choices import Confidentiality, Form, Kind, PaperReason, Urgency
from .filters import DocumentFilter
from .models import Document, Receipt


class DocumentSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", default=None, read_only=True)
    officer_name = serializers.CharField(source="officer.full_name", default=None, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id", "direction", "register_year", "number", "number_symbol", "kind", "summary", "document_date",
            "register_date", "issuer", "recipients", "signer", "form", "paper_reason", "received_medium", "urgency",
            "confidentiality", "status", "department", "department_name", "officer", "officer_name",
            "deadline", "direction_note", "completed_at", "is_overdue",
            "submitted_to", "submitted_at", "leadership_deadline", "return_reason",
        ]
        read_only_fields = fields


class IncomingCreateSerializer(serializers.Serializer):
    number_symbol = serializers.CharField(max_length=100)
    issuer = serializers.CharField(max_length=255)
    summary = serializers.CharField()
    document_date = serializers.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    arrival_date = serializers.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.OFFICIAL_LETTER)
    form = serializers.ChoiceField(
        choices=Form.choices, required=False, allow_null=True, default=None,
        help_text="Để trống: theo tệp của văn bản (documents/rules.py). Văn bản tạo qua API chưa có tệp nên là văn bản "
                  "giấy; “electronic” bị từ chối cho đến khi đính kèm tệp.")
    paper_reason = serializers.ChoiceField(choices=PaperReason.choices, required=False, allow_null=True, default=None,
                                           help_text="Lý do bản giấy; để trống: “unjustified”.")
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


# --- the handling chain (issue 15): the same services as the pages (documents/handling.py) ---------


def _receipt_field():
    # An internal document received by several departments the caller heads: which one (by
    # default the one the caller acts on).
    return serializers.PrimaryKeyRelatedField(queryset=Receipt.objects.all(), required=False, allow_null=True)


class DocumentSubmitSerializer(serializers.Serializer):
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                allow_null=True, help_text="Trình đích danh; để trống: lãnh đạo Ban chung.")


class DocumentDispatchSerializer(serializers.Serializer):
    officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    co_handlers = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                                     required=False, default=list)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    receipt = _receipt_field()


class DocumentReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()
    receipt = _receipt_field()


class DocumentReceiptSerializer(serializers.Serializer):
    receipt = _receipt_field()


class DocumentProgressSerializer(serializers.Serializer):
    text = serializers.CharField()
    receipt = _receipt_field()


class OutgoingCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.OFFICIAL_LETTER)
    summary = serializers.CharField()
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.active())
    drafter = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                 allow_null=True, default=None)
    signer = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    recipients = serializers.CharField(required=False, allow_blank=True, default="")
    recipient_departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.active(), many=True,
                                                               required=False, default=list)
    form = serializers.ChoiceField(
        choices=Form.choices, required=False, allow_null=True, default=None,
        help_text="Để trống: điện tử chỉ khi có tệp PDF đã ký số (documents/rules.py). Văn bản phát hành qua API chưa có "
                  "tệp nên là văn bản giấy; “electronic” bị từ chối.")
    paper_reason = serializers.ChoiceField(choices=PaperReason.choices, required=False, allow_null=True, default=None)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, default=Confidentiality.NORMAL)
    issue_date = serializers.DateField(required=False, allow_null=True, default=None,
                                       input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    copies = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    file_copy_keeper = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class InternalCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.OFFICIAL_LETTER)
    summary = serializers.CharField()
    recipient_departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.active(), many=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    paper_reason = serializers.ChoiceField(choices=PaperReason.choices, required=False, allow_null=True, default=None)


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
        document = handling.document_complete(acting_user=request.user, document=document, **payload.validated_data)
        return Response(DocumentSerializer(self.get_object()).data)

    def _act(self, request, serializer_class, service, **extra):
        """Parse the body, call one service on the document, answer with the document."""
        document = self.get_object()
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        service(acting_user=request.user, document=document, **payload.validated_data, **extra)
        # The document as it is now (an officer who gave it back sees what they gave back).
        return Response(DocumentSerializer(Document.objects.select_related("department", "officer").get(
            pk=document.pk)).data)

    @extend_schema(request=DocumentSubmitSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The Office submits a registered incoming document to a leader or to leadership."""
        return self._act(request, DocumentSubmitSerializer, services.incoming_submit)

    @extend_schema(request=DocumentDispatchSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_to_officer(self, request, pk=None):
        """A head gives the document to an officer of the department (or reassigns it)."""
        return self._act(request, DocumentDispatchSerializer, handling.document_dispatch)

    @extend_schema(request=DocumentReceiptSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The head of a receiving department acknowledges an internal document."""
        return self._act(request, DocumentReceiptSerializer, handling.document_acknowledge)

    @extend_schema(request=DocumentReturnSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request, pk=None):
        """Send the document back one step, with the reason."""
        return self._act(request, DocumentReturnSerializer, handling.document_return)

    @extend_schema(request=DocumentProgressSerializer, responses={200: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """A handler records progress."""
        return self._act(request, DocumentProgressSerializer, handling.document_record_progress)

    @extend_schema(request=OutgoingCreateSerializer, responses={201: DocumentSerializer})
    @action(detail=False, methods=["post"])
    def outgoing(self, request):
        """The Office numbers and issues an outgoing document."""
        payload = OutgoingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data["recipient_departments"] = list(data["recipient_departments"])
        document = services.outgoing_issue(acting_user=request.user, **data)
        return Response(DocumentSerializer(document).data, status=201)

    @extend_schema(request=InternalCreateSerializer, responses={201: DocumentSerializer})
    @action(detail=False, methods=["post"])
    def internal(self, request):
        """Send an internal document to departments of the agency."""
        payload = InternalCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data["recipient_departments"] = list(data["recipient_departments"])
        document = services.internal_send(acting_user=request.user, **data)
        return Response(DocumentSerializer(document).data, status=201)
