from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import InboundPackageViewSet, OutboundPackageViewSet, SendView

router = SimpleRouter()
router.register("packages", InboundPackageViewSet, basename="exchange-package")
router.register("outbox", OutboundPackageViewSet, basename="exchange-outbox")
urlpatterns = [path("send/<int:pk>/", SendView.as_view(), name="exchange-send"), *router.urls]
