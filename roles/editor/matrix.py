"""The matrix grid of a track's draft and its cells; starting, discarding and the audit log of
a draft."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from careerfit.http import HtmxHttpRequest, HttpResponseSeeOther, wants_fragment
from roles import drafting
from roles.audit import AuditEntry
from roles.editor.access import get_track_for_editor, grid_url, require_draft, require_editor
from roles.editor.forms import DEFAULT_IMPORTANCE, CellForm, DropForm
from roles.editor.grid import build_cell, build_grid, cell_dom_id, cell_markup
from roles.models import DeclaredDrop, MatrixVersion, Requirement, Role, Skill, Track

RECENT_CHANGES = 8
CHANGES_PER_PAGE = 100


@require_http_methods(["GET", "POST"])
def grid(request: HttpRequest, track_slug: str) -> HttpResponse:
    """The draft's whole matrix on one screen; POST starts a draft from the current version."""
    if request.method == "POST":
        track = get_track_for_editor(request, track_slug)
        try:
            draft, started = drafting.start_draft(track, user=request.user)
        except drafting.DraftError as error:
            messages.error(request, str(error))
        else:
            if started:
                messages.success(
                    request,
                    f"Started draft v{draft.number}: every change is saved as you make it, "
                    "and nothing is public until you publish.",
                )
            else:
                messages.info(request, f"Draft v{draft.number} is already open: edit it here.")
        return HttpResponseSeeOther(grid_url(track.slug))
    require_editor(request)
    track, draft, current = _track_draft_and_current(track_slug)
    version = draft or current
    context = {
        "track": track,
        "draft": draft,
        "current": current,
        "grid": build_grid(version, editable=draft is not None) if version is not None else None,
        "editable": draft is not None,
        "recent": list(draft.audit_entries.order_by("-at", "-pk")[:RECENT_CHANGES])
        if draft
        else [],
    }
    return render(request, "roles/editor/grid.html", context)


def _track_draft_and_current(
    track_slug: str,
) -> tuple[Track, MatrixVersion | None, MatrixVersion | None]:
    """The track, its draft and its current version, in one query when it has a version: a
    draft is always numbered above every published version."""
    versions = list(
        MatrixVersion.objects.select_related("track")
        .filter(track__slug=track_slug)
        .order_by("-number")[:2]
    )
    track = versions[0].track if versions else get_object_or_404(Track, slug=track_slug)
    draft = current = None
    for version in versions:
        version.track = track
        if version.is_published:
            current = current or version
        elif draft is None:
            draft = version
    return track, draft, current


def _cell_of(draft: MatrixVersion, role_slug: str, skill_slug: str) -> tuple[Role, Skill]:
    # order_by(): the default orders join other tables for nothing here.
    role = Role.objects.filter(version=draft, slug=role_slug).order_by().first()
    skill = Skill.objects.filter(version=draft, slug=skill_slug).order_by().first()
    if role is None or skill is None:
        missing = f"role “{role_slug}”" if role is None else f"skill “{skill_slug}”"
        raise Http404(f"Draft v{draft.number} has no {missing}.")
    return role, skill


def _stored(role: Role, skill: Skill) -> tuple[int, int]:
    pair = (
        Requirement.objects.filter(role=role, skill=skill)
        .order_by()
        .values_list("level", "importance")
        .first()
    )
    return pair or (0, 0)


def _cell_response(
    request: HtmxHttpRequest, context: dict, *, form: bool, status: int = 200
) -> HttpResponse:
    if wants_fragment(request):
        if not form:
            cell = context["cell"]
            dropped = DeclaredDrop.objects.filter(role=cell.role, skill=cell.skill).exists()
            markup = cell_markup(
                context["draft"],
                cell.role.slug,
                cell.skill.slug,
                cell.level,
                cell.importance,
                dropped=dropped,
            )
            return HttpResponse(markup, status=status)
        return render(request, "roles/editor/grid.html#cell-form", context, status=status)
    return render(request, "roles/editor/cell.html", context, status=status)


def _cell_context(draft: MatrixVersion, role: Role, skill: Skill, level: int, importance: int):
    return {
        "track": draft.track,
        "draft": draft,
        "role": role,
        "skill": skill,
        "cell": build_cell(draft, role, skill, level, importance),
        "statements": [
            (number, draft.level_name(number), skill.statement(number))
            for number in range(1, draft.max_level + 1)
        ],
    }


def _auto_id(role_slug: str, skill_slug: str) -> str:
    # Several cells may be open at once: each form's ids carry its cell's.
    return f"{cell_dom_id(role_slug, skill_slug)}-%s"


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def cell(
    request: HtmxHttpRequest, track_slug: str, role_slug: str, skill_slug: str
) -> HttpResponse:
    """One cell: GET its form (in place with htmx, a page without), ?show=1 its display;
    POST `level` (0 = not required) and `importance` (1..3) saves it."""
    if request.method == "POST":
        return _save_cell(request, track_slug, role_slug, skill_slug)
    draft = require_draft(request, track_slug)
    role, skill = _cell_of(draft, role_slug, skill_slug)
    level, importance = _stored(role, skill)
    context = _cell_context(draft, role, skill, level, importance)
    if request.GET.get("show"):
        return _cell_response(request, context, form=False)
    context["form"] = CellForm(
        version=draft,
        auto_id=_auto_id(role.slug, skill.slug),
        initial={
            "level": level,
            "importance": importance or DEFAULT_IMPORTANCE,
            "was_level": level,
            "was_importance": importance or "",
        },
    )
    return _cell_response(request, context, form=True)


def _save_cell(
    request: HtmxHttpRequest, track_slug: str, role_slug: str, skill_slug: str
) -> HttpResponse:
    require_editor(request)
    with transaction.atomic():
        found = drafting.lock_cell(track_slug, role_slug, skill_slug)
        if found is None:
            draft = drafting.lock_draft(track_slug)
            if draft is None:
                get_object_or_404(Track, slug=track_slug)
                return _cell_problem(request, track_slug, cell_dom_id(role_slug, skill_slug))
            _cell_of(draft, role_slug, skill_slug)  # a 404 that says which one is missing
            # Both exist now (added since the first read): read the cell again, under the
            # draft's lock.
            found = drafting.lock_cell(track_slug, role_slug, skill_slug)
            if found is None:
                raise Http404("No such cell in the draft.")
        draft, address, stored = found
        form = CellForm(request.POST, version=draft, auto_id=_auto_id(role_slug, skill_slug))
        if form.is_valid():
            saved = drafting.set_requirement(
                draft, address, stored, form.cell(), user=request.user, seen=form.seen()
            )
    if not form.is_valid():
        role, skill = _cell_of(draft, role_slug, skill_slug)
        context = _cell_context(draft, role, skill, *_stored(role, skill))
        context |= {"form": form, "error": form.first_error()}
        return _cell_response(request, context, form=True, status=400)
    after = saved.after or (0, 0)
    notice = _changed_under_you(draft, saved)
    # Not required any more while the rung below requires it: a hole, unless declared.
    below = (
        drafting.rung_below_requires(draft, address)
        if saved.after is None and saved.before is not None and not saved.dropped
        else []
    )
    drop_url = reverse("roles:editor:drop", args=[track_slug, role_slug, skill_slug])
    if wants_fragment(request):
        # The cell's markup is written once, by the grid (roles.editor.grid).
        return HttpResponse(
            cell_markup(
                draft,
                role_slug,
                skill_slug,
                *after,
                notice=notice,
                saved=True,
                dropped=saved.dropped,
                drop_url=drop_url if below else "",
            )
        )
    text = (
        f"Saved: {address.role_title} needs {address.skill_name} at "
        f"{drafting.cell_text(draft, saved.after)}."
    )
    if below:
        text += f" {_below_text(address, below)}"
    if notice:
        messages.warning(request, f"{notice} {text}")
    else:
        messages.success(request, text)
    if below:
        return HttpResponseSeeOther(drop_url)
    return HttpResponseSeeOther(grid_url(track_slug, cell_dom_id(role_slug, skill_slug)))


def _below_text(address: drafting.CellAddress, below: list[tuple[str, int]]) -> str:
    roles = " and ".join(title for title, _ in below)
    return (
        f"{roles}, on the rung below, require{'s' if len(below) == 1 else ''} "
        f"{address.skill_name}: declare why {address.role_title} no longer assesses it, or "
        "the ladder checks will report a hole."
    )


@require_http_methods(["GET", "POST"])
def drop(request: HttpRequest, track_slug: str, role_slug: str, skill_slug: str) -> HttpResponse:
    """Declare (POST `reason`) or withdraw (POST `withdraw`) that a role no longer assesses a
    skill that the rung below requires."""
    draft = require_draft(request, track_slug)
    role, skill = _cell_of(draft, role_slug, skill_slug)
    address = drafting.CellAddress(role.pk, role.slug, role.title, skill.pk, skill.slug, skill.name)
    existing = DeclaredDrop.objects.filter(role=role, skill=skill).first()
    form = DropForm(request.POST or None, initial={"reason": existing.reason if existing else ""})
    back = grid_url(track_slug, cell_dom_id(role_slug, skill_slug))
    status = 200
    if request.method == "POST":
        try:
            if "withdraw" in request.POST:
                drafting.withdraw_drop(draft, address, user=request.user)
                messages.success(request, f"{role.title} no longer declares the drop.")
                return HttpResponseSeeOther(back)
            status = 400
            if form.is_valid():
                drafting.declare_drop(
                    draft, address, form.cleaned_data["reason"], user=request.user
                )
                messages.success(
                    request, f"Declared: {role.title} no longer assesses {skill.name}."
                )
                return HttpResponseSeeOther(back)
        except drafting.DraftError as error:
            form.add_error(None, str(error))
            status = error.status
    context = {
        "track": draft.track,
        "draft": draft,
        "role": role,
        "skill": skill,
        "form": form,
        "existing": existing,
        "below": drafting.rung_below_requires(draft, address),
        "required": Requirement.objects.filter(role=role, skill=skill).exists(),
        "back": back,
    }
    return render(request, "roles/editor/drop.html", context, status=status)


GONE = (
    "There is no draft to save this in: it was published or discarded meanwhile, so your "
    "change was not saved. Start a new draft to go on editing."
)


def _cell_problem(request: HtmxHttpRequest, track_slug: str, dom_id: str) -> HttpResponse:
    context = {"message": GONE, "track_slug": track_slug, "dom_id": dom_id}
    if wants_fragment(request):
        return render(request, "roles/editor/grid.html#cell-problem", context, status=409)
    return render(request, "roles/editor/problem.html", context, status=409)


def _changed_under_you(draft: MatrixVersion, saved: drafting.CellSave) -> str:
    """What to tell an admin whose form showed an older value than the one they replaced."""
    if not saved.changed_under_you:
        return ""
    before = drafting.cell_text(draft, saved.before)
    change = saved.last_change
    if change is None:
        return f"This cell had changed since you opened it (it was {before}); your value was saved."
    when = timezone.localtime(change.at).strftime("%H:%M on %d %b")
    return (
        f"Changed by {change.actor} at {when} from {change.before} to {change.after}; "
        "your value was saved."
    )


@require_http_methods(["GET", "POST"])
def discard(request: HttpRequest, track_slug: str) -> HttpResponse:
    """GET asks to confirm; POST throws the draft and its changes away."""
    draft = require_draft(request, track_slug)
    if request.method == "POST":
        try:
            drafting.discard_draft(draft, user=request.user)
        except drafting.DraftError as error:
            messages.error(request, str(error))
            return HttpResponseSeeOther(grid_url(track_slug))
        messages.success(
            request, f"Discarded draft v{draft.number}. The published ladder is unchanged."
        )
        return HttpResponseSeeOther(grid_url(track_slug))
    context = {
        "track": draft.track,
        "draft": draft,
        "change_count": draft.audit_entries.exclude(action=AuditEntry.Action.STARTED).count(),
    }
    return render(request, "roles/editor/discard.html", context)


@require_GET
def changes(request: HttpRequest, track_slug: str) -> HttpResponse:
    """The audit log of the draft: every change, newest first."""
    draft = require_draft(request, track_slug)
    page = Paginator(draft.audit_entries.order_by("-at", "-pk"), CHANGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "roles/editor/changes.html", {"track": draft.track, "draft": draft, "page": page}
    )
