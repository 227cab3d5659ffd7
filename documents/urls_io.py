"""Excel import, exports and the register book (mounted under /documents/ by documents/urls.py)."""

urlpatterns: list = []
