"""The exchange's objects in the URL × role matrix's world (tests/recordsportal/test_url_matrix.py):
per scope a received package (pending, a real file), a batch, a status package sent back, and a
directory entry. Packages are the Office's agency-wide work: both scopes behave the same."""

import io

from django.core.files.base import ContentFile

from .conftest import package_bytes


def exchange_world(a, scope: str, number: int) -> dict:
    from exchange import services
    from exchange.models import Organisation, OutboundPackage, ReceiveBatch

    content = package_bytes(number=str(900 + number), sender=f"000.00.00.H{40 + number}")
    package = services.package_receive(acting_user=a.clerk, stream=io.BytesIO(content), name=f"goi-{scope}.edxml",
                                       source="upload", size=len(content)).package
    outbound = OutboundPackage(kind=OutboundPackage.Kind.STATUS, to_code=package.sender_code, inbound=package,
                               status_code="01", size=5, sha256="0" * 64, created_by=a.clerk)
    outbound.file.save("status.edxml", ContentFile(b"<x/>"), save=True)
    return {
        "inbound_package": package,
        "outbound_package": outbound,
        "receive_batch": ReceiveBatch.objects.create(source="upload", created_by=a.clerk, state="done"),
        "organisation": Organisation.objects.create(code=f"000.00.00.G{10 + number}", name=f"Sở thử {scope}"),
    }
