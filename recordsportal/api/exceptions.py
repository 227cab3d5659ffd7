from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..services import DomainError


def portal_exception_handler(exc, context):
    """A refused action is a 400 with the same Vietnamese message the page shows."""
    if isinstance(exc, DomainError):
        key = exc.field or "detail"
        return Response({key: [exc.message]} if exc.field else {"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
