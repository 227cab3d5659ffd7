"""The administrator's staff pages: agency settings, the department tree and users.

The Django admin offers the same; these pages are for administrators who are not developers.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import CreateView, FormView, ListView, TemplateView, UpdateView

from .. import services
from ..queueing import enqueue_for_user
from ..guards import RoleRequiredMixin, get_visible_or_404
from ..forms import AgencyForm, DepartmentForm, UserForm, add_error_to_form
from ..models import Agency, Department, User
from ..roles import Role
from ..text import normalize_text
from ..names import by_name


class AdminOnly(RoleRequiredMixin):
    required_roles = (Role.ADMIN,)


class StaffIndex(AdminOnly, TemplateView):
    template_name = "staff/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agency=Agency.load(),
            department_count=Department.objects.count(),
            user_count=User.objects.filter(is_active=True).count(),
            **kwargs,
        )


class AgencyEdit(AdminOnly, FormView):
    template_name = "staff/agency_form.html"
    form_class = AgencyForm
    success_url = reverse_lazy("staff:index")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Agency.load()}

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.agency_update(acting_user=self.request.user, **fields)
        messages.success(self.request, _("Đã lưu thông tin cơ quan."))
        if "archive_due_rule" in form.changed_data:
            enqueue_for_user(
                self.request, "dossiers.recompute_due_dates",
                queued=_("Hạn nộp lưu của các hồ sơ đã kết thúc đang được tính lại theo quy định mới."),
                not_queued=_("hạn nộp lưu của các hồ sơ đã kết thúc chưa được tính lại ngay; hệ thống sẽ tự tính "
                             "lại trong lần chạy hằng ngày (06:30)."),
            )
        return redirect(self.success_url)


class DepartmentList(AdminOnly, ListView):
    template_name = "staff/department_list.html"
    context_object_name = "departments"

    def get_queryset(self):
        return (
            Department.objects.select_related("head", "parent")
            .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
            .order_by("path")
        )


class DepartmentFormMixin(AdminOnly):
    model = Department
    form_class = DepartmentForm
    template_name = "staff/department_form.html"
    success_url = reverse_lazy("staff:departments")

    def form_valid(self, form):
        try:
            services.department_save(acting_user=self.request.user, department=form.instance)
        except ValidationError as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu phòng, đơn vị “%(name)s”.") % {"name": form.instance.name})
        return redirect(self.success_url)


class DepartmentCreate(DepartmentFormMixin, CreateView):
    pass


class DepartmentUpdate(DepartmentFormMixin, UpdateView):
    def get_object(self, queryset=None):
        return get_visible_or_404(Department.objects.all(), pk=self.kwargs["pk"])


class UserList(AdminOnly, ListView):
    template_name = "staff/user_list.html"
    context_object_name = "users"
    paginate_by = 50

    def get_queryset(self):
        users = User.objects.select_related("department").prefetch_related("groups").order_by(
            "department__path", by_name()
        )
        query = normalize_text(self.request.GET.get("q"))
        if query:
            users = users.filter(Q(full_name__icontains=query) | Q(username__icontains=query))
        role = self.request.GET.get("role")
        if role in Role.values:
            users = users.with_role(role)
        return users

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.request.GET.get("q", ""), role=self.request.GET.get("role", ""), roles=Role.choices, **kwargs
        )


class UserFormMixin(AdminOnly):
    model = User
    form_class = UserForm
    template_name = "staff/user_form.html"
    success_url = reverse_lazy("staff:users")

    def form_valid(self, form):
        data = form.cleaned_data
        fields = {name: data[name] for name in form.Meta.fields}
        try:
            if form.instance.pk:
                user = services.user_update(
                    acting_user=self.request.user,
                    user=form.instance,
                    roles=data["roles"],
                    password=data.get("password"),
                    **fields,
                )
            else:
                fields.pop("is_active")
                user = services.user_create(
                    acting_user=self.request.user, roles=data["roles"], password=data["password"], **fields
                )
        except (ValidationError, services.DomainError) as error:
            add_error_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu người dùng “%(name)s”.") % {"name": user.full_name})
        return redirect(self.success_url)


class UserCreate(UserFormMixin, CreateView):
    pass


class UserUpdate(UserFormMixin, UpdateView):
    def get_object(self, queryset=None):
        return get_visible_or_404(User.objects.all(), pk=self.kwargs["pk"])
