"""Excel import, exports and the register book (mounted under /documents/ by documents/urls.py)."""

from django.urls import path

from .views import exports, imports

urlpatterns = [
    path("export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("register-book/", exports.register_book, name="register_book"),
    path("register-book.xlsx", exports.register_book_xlsx, name="register_book_xlsx"),
    path("register-book.pdf", exports.register_book_pdf, name="register_book_pdf"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/template/<str:direction>.xlsx", imports.import_template_xlsx, name="import_template"),
    path("import/<int:pk>/mapping/", imports.import_mapping, name="import_mapping"),
    path("import/<int:pk>/", imports.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<int:pk>/run/", imports.import_run, name="import_run"),
    path("import/<int:pk>/delete/", imports.import_delete, name="import_delete"),
]
