from django.db import connection
from django.http import JsonResponse


def health(request):
    """For the compose health check and the load balancer: is the database reachable?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception as exc:  # any database failure means "not ready"
        return JsonResponse({"status": "error", "detail": exc.__class__.__name__}, status=503)
