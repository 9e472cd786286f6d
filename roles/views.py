"""Public ladder pages."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def track_list(request: HttpRequest) -> HttpResponse:
    raise Http404


@require_GET
def track_detail(request: HttpRequest, track_slug: str) -> HttpResponse:
    raise Http404


@require_GET
def role_detail(request: HttpRequest, track_slug: str, role_slug: str) -> HttpResponse:
    raise Http404
