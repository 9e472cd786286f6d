"""Where to go after logging in or signing up: a same-site `next` URL carried through the
log-in and sign-up pages and the sign-up confirmation e-mail, so that a visitor sent to log in
or sign up from a page (a mentor invitation, "assess yourself against this role") comes back
to it once in. Anything that would lead off the site is dropped.

Pages send a visitor on with `with_next(reverse("signup"), here)` (or the template's
`?next={{ next|urlencode }}`); the views read it back with `safe_next(request)`."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

FIELD = "next"


def safe_next(request: HttpRequest, value: str | None = None) -> str:
    """`value` (by default the request's `next`, posted or in the query string) when it
    stays on this site; otherwise ""."""
    if value is None:
        value = request.POST.get(FIELD) or request.GET.get(FIELD) or ""
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if value and allowed else ""


def with_next(url: str, next_url: str) -> str:
    """`url` with `next_url` as its `next` (unchanged when there is none)."""
    return f"{url}?{urlencode({FIELD: next_url})}" if next_url else url
