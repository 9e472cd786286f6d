"""The track's learning resources, kept per skill. They belong to no version: a change shows in
reports at once, with no draft and no publish; each change is recorded in the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careerfit.http import HttpResponseSeeOther
from roles.audit import AuditEntry
from roles.editor.access import get_track_for_editor
from roles.editor.forms import ResourceForm
from roles.models import MatrixVersion, Skill, Track
from roles.resources import LearningResource

RECENT_CHANGES = 10
DUPLICATE = "This skill already lists a resource at that address."


def _skills_version(track: Track) -> MatrixVersion:
    """The version whose skills resources are kept for: the draft, else the current one."""
    version = track.draft_version() or track.current_version()
    if version is None:
        raise Http404(f"{track.name} has no version yet.")
    version.track = track
    return version


def _get_skill_or_404(version: MatrixVersion, skill_slug: str) -> Skill:
    skill = version.skills.filter(slug=skill_slug).select_related("category").first()
    if skill is None:
        raise Http404(f"Version {version.number} has no skill “{skill_slug}”.")
    return skill


def _record(track: Track, user, action: str, summary: str) -> None:
    AuditEntry.record(track=track, user=user, action=action, summary=summary, target="resource")


@require_GET
def overview(request: HttpRequest, track_slug: str) -> HttpResponse:
    """Every skill with how many resources it has, and resources of skills no longer there."""
    track = get_track_for_editor(request, track_slug)
    version = _skills_version(track)
    counts = dict(
        LearningResource.objects.filter(track=track)
        .values("skill")
        .annotate(count=Count("pk"))
        .values_list("skill", "count")
    )
    skills = list(version.skills.select_related("category").in_matrix_order())
    slugs = {skill.slug for skill in skills}
    context = {
        "track": track,
        "draft": None if version.is_published else version,
        "version": version,
        "skills": [(skill, counts.get(skill.slug, 0)) for skill in skills],
        "without": sum(1 for skill in skills if not counts.get(skill.slug)),
        "orphans": list(LearningResource.objects.of_track(track).exclude(skill__in=slugs)),
        "recent": list(
            AuditEntry.objects.filter(track=track, version__isnull=True, target="resource")[
                :RECENT_CHANGES
            ]
        ),
    }
    return render(request, "roles/editor/resources.html", context)


def _skill_page(track_slug: str, skill_slug: str) -> str:
    return reverse("roles:editor:skill_resources", args=[track_slug, skill_slug])


@require_http_methods(["GET", "POST"])
def skill_resources(request: HttpRequest, track_slug: str, skill_slug: str) -> HttpResponse:
    """A skill's resources, and a form that adds one."""
    track = get_track_for_editor(request, track_slug)
    version = _skills_version(track)
    skill = _get_skill_or_404(version, skill_slug)
    form = ResourceForm(
        request.POST or None,
        instance=LearningResource(track=track, skill=skill.slug),
        version=version,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            resource = form.save(commit=False)
            last = LearningResource.objects.filter(track=track, skill=skill.slug).aggregate(
                last=Max("position")
            )["last"]
            resource.position = 0 if last is None else last + 1
            try:
                with transaction.atomic():
                    resource.save()
                    _record(
                        track,
                        request.user,
                        AuditEntry.Action.ADDED,
                        f"Added the resource “{resource.title}” to {skill.name}",
                    )
            except IntegrityError:
                form.add_error("url", DUPLICATE)
            else:
                messages.success(request, f"Added “{resource.title}” to {skill.name}.")
                return HttpResponseSeeOther(_skill_page(track_slug, skill.slug))
    context = {
        "track": track,
        "draft": None if version.is_published else version,
        "version": version,
        "skill": skill,
        "resources": list(LearningResource.objects.of_track(track).filter(skill=skill.slug)),
        "form": form,
    }
    return render(request, "roles/editor/skill_resources.html", context, status=status)


def _get_resource_or_404(track: Track, skill_slug: str, resource_id: int) -> LearningResource:
    resource = LearningResource.objects.filter(
        track=track, skill=skill_slug, pk=resource_id
    ).first()
    if resource is None:
        raise Http404("No such resource for this skill.")
    return resource


@require_http_methods(["GET", "POST"])
def resource_edit(
    request: HttpRequest, track_slug: str, skill_slug: str, resource_id: int
) -> HttpResponse:
    track = get_track_for_editor(request, track_slug)
    version = _skills_version(track)
    resource = _get_resource_or_404(track, skill_slug, resource_id)
    before = resource.title
    form = ResourceForm(request.POST or None, instance=resource, version=version)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            resource = form.save(commit=False)
            resource.updated_at = timezone.now()
            try:
                with transaction.atomic():
                    resource.save()
                    _record(
                        track,
                        request.user,
                        AuditEntry.Action.CHANGED,
                        f"Changed the resource “{before}” of {skill_slug}"
                        + (f", now “{resource.title}”" if resource.title != before else ""),
                    )
            except IntegrityError:
                form.add_error("url", DUPLICATE)
            else:
                messages.success(request, f"Saved “{resource.title}”.")
                return HttpResponseSeeOther(_skill_page(track_slug, skill_slug))
    context = {
        "track": track,
        "draft": None if version.is_published else version,
        "version": version,
        "resource": resource,
        "form": form,
    }
    return render(request, "roles/editor/resource_form.html", context, status=status)


@require_POST
def resource_remove(
    request: HttpRequest, track_slug: str, skill_slug: str, resource_id: int
) -> HttpResponse:
    track = get_track_for_editor(request, track_slug)
    resource = _get_resource_or_404(track, skill_slug, resource_id)
    with transaction.atomic():
        resource.delete()
        _record(
            track,
            request.user,
            AuditEntry.Action.REMOVED,
            f"Removed the resource “{resource.title}” from {skill_slug}",
        )
    messages.success(request, f"Removed “{resource.title}”.")
    return HttpResponseSeeOther(_skill_page(track_slug, skill_slug))
