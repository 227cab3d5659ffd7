"""Error pages in Vietnamese: the user is told what happened and what to do next."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception=None):
    # A query parameter refused by recordsportal/params.py says which and why (its message is
    # written for the user); any other 400 (a malformed request) keeps the general text.
    from ..services import DomainError

    message = exception.message if isinstance(exception, DomainError) else ""
    return render(request, "errors/400.html", {"message": message}, status=400)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def _database_unavailable() -> bool:
    """Is the exception being handled (or one it came from) the database being unreachable?"""
    error = sys.exc_info()[1]
    while error is not None:
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        error = error.__cause__ or error.__context__
    return False


# The same words as the pages, for API clients (the API speaks JSON, as for its 400s).
API_UNAVAILABLE = "Hệ thống đang tạm thời gián đoạn (mất kết nối cơ sở dữ liệu); yêu cầu chưa được ghi nhận. Thử lại sau ít phút."
API_ERROR = "Hệ thống đang gặp sự cố; yêu cầu chưa được thực hiện."


def server_error(request):
    # No request context: the database, which the context processors read, may be what failed.
    api = request.path.startswith("/api/")
    if _database_unavailable():
        # A restart or failover of PostgreSQL: temporary, so 503 with Retry-After, and the user
        # is told nothing was saved (tests/faults/test_postgres_restart.py).
        if api:
            response = JsonResponse({"detail": API_UNAVAILABLE}, status=503)
        else:
            response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    if api:
        return JsonResponse({"detail": API_ERROR}, status=500)
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)
