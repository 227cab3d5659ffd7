from rest_framework.routers import DefaultRouter

from .api import CampaignViewSet, InventoryLineViewSet, InventoryViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("campaigns", CampaignViewSet, basename="backlog-campaign")
router.register("inventories", InventoryViewSet, basename="backlog-inventory")
router.register("lines", InventoryLineViewSet, basename="backlog-line")

urlpatterns = router.urls
