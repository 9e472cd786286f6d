"""What the assessments views share about HTTP: the htmx-aware request type, the redirect
after a POST, and when a request wants a fragment rather than the whole page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class HttpResponseSeeOther(HttpResponseRedirect):
    """After a POST: the browser follows with a GET."""

    status_code = 303


def wants_fragment(request: HtmxHttpRequest) -> bool:
    # Boosted and history-restore requests want the whole page.
    return (
        bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request
    )
