"""JSON API of the edXML exchange, for the Office's tools and for a connector (a service account
holding the Office role): receive a package, read, register or refuse the received ones, take the
outbound packages and acknowledge their delivery, send an outgoing document. The same services
and read rules as the pages."""

from django.http import FileResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.api import DocumentSerializer
from documents.choices import Kind, Urgency
from documents.models import Document
from recordsportal.guards import get_visible_or_404
from recordsportal.roles import Role

from . import querysets, services
from .models import InboundPackage, OutboundPackage, Source


class OfficeOnly(BasePermission):
    message = "Chức năng này chỉ dành cho văn thư (Văn phòng)."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_role(Role.OFFICE))


class InboundPackageSerializer(serializers.ModelSerializer):
    is_duplicate = serializers.BooleanField(read_only=True)

    class Meta:
        model = InboundPackage
        fields = ["id", "state", "source", "original_name", "size", "sha256", "edxml_id", "sender_code", "sender_name",
                  "number_symbol", "document_date", "place", "kind", "type_name", "summary", "signer", "due_date",
                  "urgency", "attachments_meta", "is_duplicate", "duplicate_of_document", "document", "received_at",
                  "decided_at", "refusal_reason"]
        read_only_fields = fields


class OutboundPackageSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(read_only=True)

    class Meta:
        model = OutboundPackage
        fields = ["id", "kind", "to_code", "to_name", "document", "inbound", "status_code", "description", "edxml_id",
                  "file_name", "size", "sha256", "created_at", "written_at", "delivered_at"]
        read_only_fields = fields


class ReceiveSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Một gói .edxml (QCVN 102:2016).")


class RegisterSerializer(serializers.Serializer):
    number_symbol = serializers.CharField(max_length=100, required=False)
    issuer = serializers.CharField(max_length=255, required=False)
    summary = serializers.CharField(required=False)
    document_date = serializers.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField()


class Newest(CursorPagination):
    ordering = ("-id",)
    page_size = 50


class InboundPackageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Received packages (the Office's). `POST` receives one package (multipart `file`)."""

    serializer_class = InboundPackageSerializer
    permission_classes = [OfficeOnly]
    pagination_class = Newest
    filterset_fields = ["state", "sender_code"]

    queryset = InboundPackage.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InboundPackage.objects.none()
        return querysets.packages_visible_to(self.request.user)

    def get_object(self):
        return querysets.package_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request={"multipart/form-data": ReceiveSerializer},
                   responses={201: InboundPackageSerializer, 200: InboundPackageSerializer})
    def create(self, request, *args, **kwargs):
        payload = ReceiveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        result = services.package_receive(acting_user=request.user, stream=upload, name=upload.name,
                                          source=Source.API, size=upload.size)
        if result.package is None:  # a status package: recorded on the package it answers
            return Response({"detail": result.message}, status=status.HTTP_200_OK)
        code = status.HTTP_201_CREATED if result.outcome in ("received", "duplicate") else status.HTTP_200_OK
        data = {**InboundPackageSerializer(result.package).data, "outcome": result.outcome, "message": result.message}
        return Response(data, status=code)

    @extend_schema(request=RegisterSerializer, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        package = self.get_object()
        payload = RegisterSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.package_register(acting_user=request.user, package=package, **payload.validated_data)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RefuseSerializer, responses={200: InboundPackageSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        package = self.get_object()
        payload = RefuseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        package = services.package_refuse(acting_user=request.user, package=package, **payload.validated_data)
        return Response(InboundPackageSerializer(package).data)


InboundPackageViewSet.parser_classes = [MultiPartParser, *InboundPackageViewSet.parser_classes]


class OutboundPackageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Packages for the connector to deliver: `?pending=1` lists the ones not yet acknowledged;
    `file` downloads one; `acknowledge` records its delivery."""

    serializer_class = OutboundPackageSerializer
    permission_classes = [OfficeOnly]
    pagination_class = Newest
    filterset_fields = ["kind", "to_code"]

    queryset = OutboundPackage.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OutboundPackage.objects.none()
        rows = querysets.outbound_visible_to(self.request.user)
        if self.request.query_params.get("pending") == "1":
            rows = rows.filter(delivered_at__isnull=True)
        return rows

    def get_object(self):
        return querysets.outbound_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses={(200, "application/xml"): bytes})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        row = self.get_object()
        return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.file_name,
                            content_type="application/xml")

    @extend_schema(request=None, responses={200: OutboundPackageSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        row = services.outbound_acknowledge(acting_user=request.user, package=self.get_object())
        return Response(OutboundPackageSerializer(row).data)


class SendView(APIView):
    """Send an outgoing document: one package per recipient organisation with a code."""

    permission_classes = [OfficeOnly]

    @extend_schema(request=None, responses={201: inline_serializer("SendResult", {
        "created": OutboundPackageSerializer(many=True), "already": OutboundPackageSerializer(many=True),
        "paper": serializers.ListField(child=serializers.CharField())})})
    def post(self, request, pk):
        document = get_visible_or_404(Document.objects.visible_to(request.user), pk=pk)
        result = services.outgoing_send(acting_user=request.user, document=document)
        return Response({"created": OutboundPackageSerializer(result.created, many=True).data,
                         "already": OutboundPackageSerializer(result.already, many=True).data,
                         "paper": result.paper}, status=status.HTTP_201_CREATED)
