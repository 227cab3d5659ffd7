"""Issue 17, item 4: no select on any page shows Django's "---------" placeholder, and no name
ends with a dangling "–" — every HTML page of the URL matrix that an actor opens, in their own
scope, is read."""

import pytest
from django.conf import settings

from tests import matrix

# The URL matrix's world and helpers (fixtures imported by name; no test is imported).
from .test_url_matrix import CASES, _django_db_helper, build_url, world  # noqa: F401

# Every HTML page of the matrix that an actor opens (200).
PAGES = [case for case in CASES
         if case.expected == "200" and matrix.TABLE[case.key].method == "GET" and not matrix.TABLE[case.key].api
         and case.scope in ("no_object", "own_scope") and case.role in matrix.ACTORS
         # Django's own admin keeps its conventions (staff only); the portal's pages are read.
         and not case.key.startswith("admin:")]


@pytest.mark.django_db
@pytest.mark.parametrize("case", PAGES, ids=[c.id for c in PAGES])
def test_no_select_shows_a_dash_placeholder(case, world, client):  # noqa: F811
    entry = matrix.TABLE[case.key]
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[case.role]
    response = client.get(build_url(case.key, entry, world.objects[case.scope]))
    if "text/html" not in response.get("Content-Type", "") or response.streaming:
        return
    page = response.content.decode()
    assert "---------" not in page, (case.id, _around(page, "---------"))
    assert " – <" not in page, (case.id, _around(page, " – <"))


def _around(page, needle):
    at = page.find(needle)
    return page[max(0, at - 300):at + 60] if at >= 0 else ""
