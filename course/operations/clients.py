"""The client's address, as far as this deployment can trust it.

Behind a reverse proxy every request arrives from the proxy's address, so
limits keyed on REMOTE_ADDR would put every learner in one bucket. The proxy
appends the address it saw to X-Forwarded-For; a client can write anything
to the left of that, so only the entries our own proxies added are believed.

Settings (environment):
  TRUSTED_PROXY_COUNT      how many reverse proxies stand between the internet and
                           this server (default 0: X-Forwarded-For is ignored and
                           REMOTE_ADDR is the client). With one TLS proxy, set 1.
  TRUSTED_PROXY_ADDRESSES  optional comma-separated addresses or CIDR networks the
                           nearest proxy connects from; a request from anywhere else
                           (someone reaching this server directly) has its
                           X-Forwarded-For ignored.

django-ipware reads the header (its count excludes the nearest proxy, which
is REMOTE_ADDR rather than an entry in the header).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def _from_trusted_proxy(remote: str) -> bool:
    networks = settings.TRUSTED_PROXY_ADDRESSES
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address limits are counted against (never empty)."""
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0 or not _from_trusted_proxy(remote):
        return remote
    address, _routable = get_client_ip(request, proxy_order="left-most", proxy_count=proxies - 1,
                                       request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False)
    return address or remote
