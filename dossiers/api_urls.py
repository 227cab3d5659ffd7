from rest_framework.routers import SimpleRouter

from .api import DossierViewSet, FilePlanViewSet

router = SimpleRouter()
router.register("dossiers", DossierViewSet, basename="dossier")
router.register("file-plans", FilePlanViewSet, basename="file-plan")
urlpatterns = router.urls
