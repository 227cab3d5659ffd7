from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..services import DomainError, EditConflict


def portal_exception_handler(exc, context):
    """A refused action is a 400 with the same Vietnamese message the page shows; a save based on
    an outdated version is a 409 Conflict."""
    if isinstance(exc, EditConflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        key = exc.field or "detail"
        return Response({key: [exc.message]} if exc.field else {"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
