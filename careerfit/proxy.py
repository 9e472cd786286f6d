"""The client's address as far as this deployment can vouch for it. Behind PROXY_COUNT
reverse proxies, each appending the address it received the request from to
X-Forwarded-For, the client is the PROXY_COUNT-th address from the right: whatever stands
left of it was sent by the client itself and proves nothing. django-axes keys its login
throttling on this (AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    if not settings.PROXY_COUNT:
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    hops = [address.strip() for address in forwarded if address.strip()]
    if len(hops) < settings.PROXY_COUNT:
        # Not through every proxy: the nearest peer is all that can be trusted.
        return peer
    try:
        return str(ipaddress.ip_address(hops[-settings.PROXY_COUNT]))
    except ValueError:
        return peer
