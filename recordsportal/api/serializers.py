from rest_framework import serializers

from ..models import Department, User


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "abbreviation", "kind", "parent", "head", "is_active"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    department_name = serializers.CharField(source="department.name", default=None, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "department", "department_name", "position", "roles"]

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)
