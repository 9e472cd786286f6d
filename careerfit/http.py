"""What the site's views share about HTTP (the questionnaire, the reviews and the matrix
editor alike): the htmx-aware request type, the redirect after a POST, when a request wants a
fragment rather than the whole page, and a URL reversed once for many ids or slugs. It imports
no app, so roles and assessments may both use it."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
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


def path_with_id(name: str) -> Callable[[uuid.UUID], str]:
    """The path of URL `name` for any one id, reversed once: the same path with another id
    (a page of many links saves a reverse() per link)."""
    return path_with_last(name, placeholder=str(uuid.UUID(int=0)))


def path_with_last(name: str, *args: object, placeholder: str) -> Callable[[object], str]:
    """The path of URL `name` for `args` and any one last argument, reversed once with
    `placeholder` (a value its converter accepts) as that argument."""
    start, end = reverse(name, args=[*args, placeholder]).rsplit(placeholder, 1)
    return lambda last: f"{start}{last}{end}"
