"""JSON API: compliance figures by period and scope, violations with their review actions."""

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from recordsportal.guards import get_visible_or_404

from . import services
from .services import MAX_POINTS, POINTS_MESSAGES
from recordsportal.params import parse_month

from .dashboard import build
from .models import Violation
from .querysets import violations_visible_to


class FigureSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    excluded = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True, help_text="Percent; null for an empty period.")
    target = serializers.FloatField()
    passes = serializers.BooleanField(allow_null=True)
    computed = serializers.BooleanField(help_text="False: the period (or a month of it) was never computed, which is not "
                                                  "an empty period (ratio null with computed true).")


class RowSerializer(serializers.Serializer):
    label = serializers.CharField()
    department_id = serializers.IntegerField(allow_null=True)
    officer_id = serializers.IntegerField(allow_null=True)
    e_month = FigureSerializer()
    e_year = FigureSerializer()
    h_month = FigureSerializer()
    h_year = FigureSerializer()


class ComplianceSerializer(serializers.Serializer):
    month = serializers.DateField()
    scope = serializers.CharField(source="scope.value")
    headline = RowSerializer()
    rows = RowSerializer(many=True)
    as_of = serializers.DateTimeField(allow_null=True, help_text="When the month's figures were computed; null: never.")
    month_status = serializers.CharField(source="month_state.status", help_text="open, closed or candidate.")


class ComplianceView(APIView):
    """E and H for a month (and year to date), for the caller's scope: the agency and its
    departments, the departments a head leads, or the officer's own figures."""

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM; default: this month")],
                   responses=ComplianceSerializer)
    def get(self, request):
        return Response(ComplianceSerializer(build(request.user, parse_month(request.query_params.get("month")))).data)


class ViolationSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    evidence_summary = serializers.CharField(read_only=True)
    evidence_as_of = serializers.DateTimeField(source="evidence_computed_at", read_only=True,
                                               help_text="When the evidence's figures were computed (a ratio: the month's "
                                                         "figures, frozen once the month is closed; a count: its detection).")

    class Meta:
        model = Violation
        fields = ["id", "kind", "department", "department_name", "officer", "period", "last_period", "detected_at",
                  "last_detected_at", "evidence", "evidence_summary", "evidence_as_of", "status", "review_note",
                  "proposed_points", "decision"]
        read_only_fields = fields


class ViolationRecordSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="document, dossier or inventory")
    pk = serializers.IntegerField()
    label = serializers.CharField()
    url = serializers.CharField(help_text="Empty when the caller may not open the record.")


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    points = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=MAX_POINTS,
                                      required=False, allow_null=True, error_messages=POINTS_MESSAGES)


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class NewestPeriodFirst(CursorPagination):
    ordering = ("-period", "-id")


class ViolationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ViolationSerializer
    pagination_class = NewestPeriodFirst
    filterset_fields = ["kind", "status", "department"]

    def get_queryset(self):
        return violations_visible_to(self.request.user).order_by("-period", "id")

    def get_object(self):
        return get_visible_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def _review(self, request, run):
        payload = ReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        violation = run(self.get_object(), payload.validated_data)
        return Response(ViolationSerializer(violation).data)

    @extend_schema(request=ReviewSerializer, responses=ViolationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._review(request, lambda v, d: services.violation_confirm(
            acting_user=request.user, violation=v, points=d.get("points"), note=d["note"]))

    @extend_schema(request=ReviewSerializer, responses=ViolationSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._review(request, lambda v, d: services.violation_dismiss(acting_user=request.user, violation=v, reason=d["note"]))

    @extend_schema(request=ReviewSerializer, responses=ViolationSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        return self._review(request, lambda v, d: services.violation_mark_corrected(acting_user=request.user, violation=v, note=d["note"]))

    @extend_schema(responses=ViolationRecordSerializer(many=True))
    @action(detail=True, methods=["get"])
    def records(self, request, pk=None):
        """The exact documents, dossiers or inventory the violation names, as the caller may see them."""
        from .querysets import violation_records

        return Response(ViolationRecordSerializer(violation_records(request.user, self.get_object()), many=True).data)

    @extend_schema(request=DecisionSerializer, responses=ViolationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        violation = services.violation_decide(acting_user=request.user, violation=self.get_object(),
                                              approve=payload.validated_data["approve"])
        return Response(ViolationSerializer(violation).data)


# --- months that close (reports/months.py) -----------------------------------------------------


class MonthStateSerializer(serializers.Serializer):
    month = serializers.DateField()
    status = serializers.ChoiceField(choices=["open", "closed", "candidate"],
                                     help_text="open; closed (figures frozen); candidate (closed, a recomputation pending).")
    computed_at = serializers.DateTimeField(allow_null=True, help_text='"As of" of the figures; null: never computed.')
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_by = serializers.IntegerField(source="closed_by_id", allow_null=True, help_text="null with closed_at: closed by itself.")
    candidate_at = serializers.DateTimeField(allow_null=True)


class ScopeChangeSerializer(serializers.Serializer):
    metric = serializers.CharField()
    scope_key = serializers.CharField()
    label = serializers.CharField()
    before = serializers.ListField(child=serializers.IntegerField(), allow_null=True, help_text="[numerator, denominator]")
    after = serializers.ListField(child=serializers.IntegerField(), allow_null=True, help_text="[numerator, denominator]")


class RecordChangeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    record_id = serializers.IntegerField()
    label = serializers.CharField()
    change = serializers.CharField(help_text="+ created, ~ changed, - deleted")
    changed_by = serializers.CharField()
    changed_at = serializers.DateTimeField()
    url = serializers.CharField()


class MonthDiffSerializer(serializers.Serializer):
    state = MonthStateSerializer()
    scopes = ScopeChangeSerializer(many=True)
    records = RecordChangeSerializer(many=True)


def _month_from_url(value):
    from recordsportal.params import parse_month as parse

    return parse(value)


class MonthStateView(APIView):
    """A month's figures: open, closed (frozen) or closed with a candidate pending, and "as of"."""

    @extend_schema(responses=MonthStateSerializer)
    def get(self, request, month):
        from . import months

        return Response(MonthStateSerializer(months.state_of(_month_from_url(month))).data)


class MonthDiffView(APIView):
    """The pending recomputation of a closed month against its frozen figures (Office, leadership)."""

    @extend_schema(responses=MonthDiffSerializer)
    def get(self, request, month):
        from rest_framework.exceptions import PermissionDenied

        from recordsportal.roles import Role

        from . import months

        if not any(request.user.has_role(role) for role in (Role.OFFICE, Role.LEADERSHIP, Role.ADMIN)):
            raise PermissionDenied()
        return Response(MonthDiffSerializer(months.month_diff(_month_from_url(month))).data)


class MonthActionView(APIView):
    """The Office closes a month, or accepts or discards its pending recomputation."""

    action_name = ""

    @extend_schema(request=None, responses=MonthStateSerializer)
    def post(self, request, month):
        from . import months

        run = {"close": months.close_month, "accept": months.candidate_accept, "discard": months.candidate_discard}
        state = run[self.action_name](_month_from_url(month), acting_user=request.user)
        return Response(MonthStateSerializer(months.state_of(state.month)).data)
