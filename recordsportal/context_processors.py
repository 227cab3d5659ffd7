from django.utils.functional import SimpleLazyObject

from .models import Agency
from .navigation import navigation_for


def portal(request):
    context = {"agency": SimpleLazyObject(Agency.load)}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["nav_items"] = navigation_for(user, request.path)
    return context
