"""Who may use the matrix editor, and the objects its URLs name. Anyone without the
permission, signed in or not, staff or not, gets a 404: the editor's existence never shows."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from careerfit.http import HttpResponseSeeOther
from roles.models import MatrixVersion, Track

PERMISSION = "roles.edit_matrix"
NO_DRAFT = "There is no draft to edit: start one from the current version first."


def can_edit_matrix(user) -> bool:
    """Superusers and anyone holding roles.edit_matrix, directly or through a group such as
    Matrix editors; active accounts only. The rule of user.has_perm() with Django's model
    backend, in one query where has_perm() takes two: every editor request asks it, and the
    cell save has a tight budget (bench/editor.py).

    Written as SQL: the ORM took four times longer to build the query (a join through either
    the user's or their groups' permissions) than the database took to run it."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    with connections[router.db_for_read(Permission)].cursor() as cursor:
        cursor.execute(_HOLDS_PERMISSION, [*PERMISSION.split("."), user.pk, user.pk])
        return cursor.fetchone() is not None


def _holds_permission_sql() -> str:
    """SELECT 1 when the user (the two parameters after app label and codename) holds the
    permission, directly or through a group; no row otherwise."""
    permission, content_type = Permission._meta.db_table, ContentType._meta.db_table
    direct = User.user_permissions.through._meta.db_table
    in_group = User.groups.through._meta.db_table
    by_group = Group.permissions.through._meta.db_table
    return (
        f"SELECT 1 FROM {permission} p INNER JOIN {content_type} ct ON ct.id = p.content_type_id "
        "WHERE ct.app_label = %s AND p.codename = %s AND ("
        f"p.id IN (SELECT permission_id FROM {direct} WHERE user_id = %s) OR "
        f"p.id IN (SELECT g.permission_id FROM {by_group} g INNER JOIN {in_group} ug "
        "ON ug.group_id = g.group_id WHERE ug.user_id = %s)) LIMIT 1"
    )


_HOLDS_PERMISSION = _holds_permission_sql()


class NoDraft(Exception):
    """A page that edits the draft, for a track without one."""

    def __init__(self, track_slug: str):
        self.track_slug = track_slug


def editor_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps every editor view (roles/editor/urls.py): a 404 for anyone without the permission,
    before anything else answers (a 405 for the wrong method would tell the page exists); and
    a page that needs the draft, for a track without one, goes to the grid to start one."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_edit_matrix(request.user):
            raise Http404("No such page.")
        request.matrix_editor = True
        try:
            return view(request, *args, **kwargs)
        except NoDraft as missing:
            return no_draft_redirect(request, missing.track_slug)

    return wrapped


def require_editor(request: HttpRequest) -> None:
    """Fails closed: a view reached without editor_only() answers 404."""
    if not getattr(request, "matrix_editor", False):
        raise Http404("No such page.")


def get_track_for_editor(request: HttpRequest, track_slug: str) -> Track:
    require_editor(request)
    return get_object_or_404(Track, slug=track_slug)


def get_draft_for_editor(request: HttpRequest, track_slug: str) -> MatrixVersion | None:
    """The track's draft (with its track), None when it has none."""
    require_editor(request)
    draft = (
        MatrixVersion.objects.select_related("track")
        .filter(track__slug=track_slug, status=MatrixVersion.Status.DRAFT)
        .order_by()
        .first()
    )
    if draft is None:
        get_object_or_404(Track, slug=track_slug)
    return draft


def require_draft(request: HttpRequest, track_slug: str) -> MatrixVersion:
    """The track's draft; without one, NoDraft (editor_only() turns it into a redirect)."""
    draft = get_draft_for_editor(request, track_slug)
    if draft is None:
        raise NoDraft(track_slug)
    return draft


def grid_url(track_slug: str, anchor: str = "") -> str:
    url = reverse("roles:editor:grid", args=[track_slug])
    return f"{url}#{anchor}" if anchor else url


def no_draft_redirect(request: HttpRequest, track_slug: str) -> HttpResponseRedirect:
    messages.warning(request, NO_DRAFT)
    return HttpResponseSeeOther(grid_url(track_slug))
