from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread(request):
    """The bell's count in the top menu: counted only when a page shows the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: Notification.objects.for_user(user).unread().count())}
