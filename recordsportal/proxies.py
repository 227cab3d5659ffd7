"""The client's address behind the agency's reverse proxies (PROXY_COUNT of them).

Each proxy appends the address it received the request from to `X-Forwarded-For` (nginx's
`$proxy_add_x_forwarded_for`), so with N proxies in front the client is the N-th entry from the
right; anything to the left of it was written by the client and may be invented. Reading the
left-most entry, as most examples do, would let anyone choose the address they are throttled
under, or lock out a colleague by sending theirs.

django-axes uses this function (AXES_CLIENT_IP_CALLABLE) and so does the request log. It is ours
rather than django-ipware's: ipware 8 with the axes settings for one proxy (proxy_count=1, either
order) answered None for the plain one-proxy chain `X-Forwarded-For: <client>`, and with
proxy_count=0 it returned the left-most, client-written entry (tried, issue 19).
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR when PROXY_COUNT is 0; else the PROXY_COUNT-th address from the right of
    X-Forwarded-For. A chain shorter than that, or an entry that is not an IP address, means the
    request did not come through the configured proxies: REMOTE_ADDR, which cannot be forged."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    # Several X-Forwarded-For headers arrive joined with commas, in order (WSGI).
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < proxies:
        return remote
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
