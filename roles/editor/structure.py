"""Adding, changing, moving and removing the skills, categories and roles of a draft. Removing
something that other parts of the matrix use asks first, saying what goes with it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from careerfit.http import HttpResponseSeeOther
from roles import draft_structure, drafting
from roles.editor.access import grid_url, require_draft
from roles.editor.forms import CategoryForm, RoleForm, SkillForm
from roles.models import Category, MatrixVersion, Requirement, Role, Skill

MOVES = {"up": -1, "down": 1, "left": -1, "right": 1}


def _get_or_404(model: type, draft: MatrixVersion, slug: str, what: str):
    found = model.objects.filter(version=draft, slug=slug).first()
    if found is None:
        raise Http404(f"Draft v{draft.number} has no {what} “{slug}”.")
    return found


def _refused(form, error: drafting.DraftError, field: str | None = "name") -> int:
    form.add_error(field if error.status == 400 else None, str(error))
    return error.status


def _move(
    request: HttpRequest,
    draft: MatrixVersion,
    thing,
    mover: Callable[..., bool],
    back: str,
) -> HttpResponse:
    offset = MOVES.get(request.POST.get("direction", ""))
    if offset is None:
        messages.error(request, "Move it up, down, left or right.")
        return HttpResponseSeeOther(back)
    try:
        moved = mover(draft, thing, offset, user=request.user)
    except drafting.DraftError as error:
        messages.error(request, str(error))
        return HttpResponseSeeOther(back)
    if moved:
        messages.success(request, f"Moved {thing} {request.POST['direction']}.")
    else:
        messages.info(request, f"{thing} is already at that end.")
    return HttpResponseSeeOther(back)


def _remove(
    request: HttpRequest,
    draft: MatrixVersion,
    thing,
    remover: Callable[..., None],
    consequences: list[str],
    back: str,
) -> HttpResponse:
    """GET asks, naming what goes with it; POST removes."""
    if request.method == "POST":
        try:
            remover(draft, thing, user=request.user)
        except drafting.DraftError as error:
            messages.error(request, str(error))
            return HttpResponseSeeOther(back)
        messages.success(request, f"Removed {thing} from draft v{draft.number}.")
        return HttpResponseSeeOther(grid_url(draft.track.slug))
    context = {
        "track": draft.track,
        "draft": draft,
        "thing": thing,
        "consequences": consequences,
        "back": back,
    }
    return render(request, "roles/editor/remove.html", context)


def _requirement_lines(draft: MatrixVersion, requirements) -> list[str]:
    return [
        f"{req.role.title} requires {req.skill.name} at {req.level} "
        f"{draft.level_name(req.level)}, {req.importance_name.lower()}"
        for req in requirements
    ]


# ---------- Skills ---------------------------------------------------------------------------


def _skill_url(draft: MatrixVersion, skill: Skill) -> str:
    return reverse("roles:editor:skill", args=[draft.track.slug, skill.slug])


@require_http_methods(["GET", "POST"])
def skill_new(request: HttpRequest, track_slug: str) -> HttpResponse:
    """A new skill with its level statements and the roles that require it, in one form."""
    draft = require_draft(request, track_slug)
    categories = list(draft.categories.in_matrix_order())
    roles = list(draft.roles.in_matrix_order())
    chosen = next((c for c in categories if c.slug == request.GET.get("category")), None)
    form = SkillForm(
        request.POST or None,
        version=draft,
        categories=categories,
        roles=roles,
        initial={"category": (chosen or categories[0]).pk} if categories else {},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                skill = draft_structure.add_skill(
                    draft,
                    user=request.user,
                    name=data["name"],
                    category=data["category"],
                    description=data["description"],
                    levels=form.levels(),
                    requirements=form.requirements(),
                )
            except drafting.DraftError as error:
                status = _refused(form, error)
            else:
                count = len(form.requirements())
                messages.success(
                    request,
                    f"Added {skill.name} to {skill.category.name}, required by {count} "
                    f"role{'s' if count != 1 else ''}.",
                )
                return HttpResponseSeeOther(grid_url(track_slug, f"skill-{skill.slug}"))
    context = {"track": draft.track, "draft": draft, "form": form, "skill": None}
    return render(request, "roles/editor/skill_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def skill_edit(request: HttpRequest, track_slug: str, skill_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    skill = _get_or_404(Skill, draft, skill_slug, "skill")
    categories = list(draft.categories.in_matrix_order())
    initial = {
        "name": skill.name,
        "category": skill.category_id,
        "description": skill.description,
        **{f"level_{level}": text for level, text in skill.levels.items()},
    }
    form = SkillForm(request.POST or None, version=draft, categories=categories, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                draft_structure.update_skill(
                    draft,
                    skill,
                    user=request.user,
                    name=data["name"],
                    category=data["category"],
                    description=data["description"],
                    levels=form.levels(),
                )
            except drafting.DraftError as error:
                status = _refused(form, error)
            else:
                messages.success(request, f"Saved {skill.name}.")
                return HttpResponseSeeOther(grid_url(track_slug, f"skill-{skill.slug}"))
    requirements = (
        Requirement.objects.filter(skill=skill).select_related("role").order_by("role__rank")
    )
    context = {
        "track": draft.track,
        "draft": draft,
        "form": form,
        "skill": skill,
        "requirements": requirements,
    }
    return render(request, "roles/editor/skill_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def skill_remove(request: HttpRequest, track_slug: str, skill_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    skill = _get_or_404(Skill, draft, skill_slug, "skill")
    requirements = (
        Requirement.objects.filter(skill=skill).select_related("role", "skill").order_by("role")
    )
    consequences = _requirement_lines(draft, requirements)
    return _remove(
        request, draft, skill, draft_structure.remove_skill, consequences, _skill_url(draft, skill)
    )


@require_POST
def skill_move(request: HttpRequest, track_slug: str, skill_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    skill = _get_or_404(Skill, draft, skill_slug, "skill")
    return _move(request, draft, skill, draft_structure.move_skill, _skill_url(draft, skill))


# ---------- Categories -----------------------------------------------------------------------


def _category_url(draft: MatrixVersion, category: Category) -> str:
    return reverse("roles:editor:category", args=[draft.track.slug, category.slug])


@require_http_methods(["GET", "POST"])
def category_new(request: HttpRequest, track_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    form = CategoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                category = draft_structure.add_category(
                    draft, user=request.user, **form.cleaned_data
                )
            except drafting.DraftError as error:
                status = _refused(form, error)
            else:
                messages.success(request, f"Added the category {category.name}.")
                return HttpResponseSeeOther(grid_url(track_slug, f"category-{category.slug}"))
    context = {"track": draft.track, "draft": draft, "form": form, "category": None}
    return render(request, "roles/editor/category_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, track_slug: str, category_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    category = _get_or_404(Category, draft, category_slug, "category")
    form = CategoryForm(
        request.POST or None,
        initial={"name": category.name, "description": category.description},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                draft_structure.update_category(
                    draft, category, user=request.user, **form.cleaned_data
                )
            except drafting.DraftError as error:
                status = _refused(form, error)
            else:
                messages.success(request, f"Saved the category {category.name}.")
                return HttpResponseSeeOther(grid_url(track_slug, f"category-{category.slug}"))
    context = {
        "track": draft.track,
        "draft": draft,
        "form": form,
        "category": category,
        "skills": list(category.skills.order_by("position", "pk")),
    }
    return render(request, "roles/editor/category_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def category_remove(request: HttpRequest, track_slug: str, category_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    category = _get_or_404(Category, draft, category_slug, "category")
    skills = category.skills.annotate(required_by=Count("requirements")).order_by("position")
    consequences = [
        f"the skill {skill.name}, required by {skill.required_by} "
        f"role{'s' if skill.required_by != 1 else ''}"
        for skill in skills
    ]
    back = _category_url(draft, category)
    return _remove(request, draft, category, draft_structure.remove_category, consequences, back)


@require_POST
def category_move(request: HttpRequest, track_slug: str, category_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    category = _get_or_404(Category, draft, category_slug, "category")
    back = _category_url(draft, category)
    return _move(request, draft, category, draft_structure.move_category, back)


# ---------- Roles ----------------------------------------------------------------------------


def _role_url(draft: MatrixVersion, role: Role) -> str:
    return reverse("roles:editor:role", args=[draft.track.slug, role.slug])


@require_http_methods(["GET", "POST"])
def role_new(request: HttpRequest, track_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    top = draft.roles.order_by("-rank").values_list("rank", flat=True).first() or 0
    form = RoleForm(request.POST or None, instance=Role(version=draft), initial={"rank": top + 1})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                role = draft_structure.add_role(draft, user=request.user, values=form.values())
            except drafting.DraftError as error:
                status = _refused(form, error, "title")
            else:
                messages.success(
                    request,
                    f"Added the role {role.title} at rank {role.rank}: set the skills it "
                    "requires in its column.",
                )
                return HttpResponseSeeOther(grid_url(track_slug))
    context = {"track": draft.track, "draft": draft, "form": form, "role": None}
    return render(request, "roles/editor/role_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, track_slug: str, role_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    role = _get_or_404(Role, draft, role_slug, "role")
    stored = _get_or_404(Role, draft, role_slug, "role")  # the form changes `role` in memory
    form = RoleForm(request.POST or None, instance=role)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                draft_structure.update_role(draft, stored, user=request.user, values=form.values())
            except drafting.DraftError as error:
                status = _refused(form, error, "title")
            else:
                messages.success(request, f"Saved the role {stored.title}.")
                return HttpResponseSeeOther(grid_url(track_slug))
    same_rank = draft.roles.filter(rank=stored.rank).count()
    context = {
        "track": draft.track,
        "draft": draft,
        "form": form,
        "role": stored,
        "can_move": same_rank > 1,
        "requirement_count": Requirement.objects.filter(role=stored).count(),
    }
    return render(request, "roles/editor/role_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def role_remove(request: HttpRequest, track_slug: str, role_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    role = _get_or_404(Role, draft, role_slug, "role")
    requirements = (
        Requirement.objects.filter(role=role)
        .select_related("role", "skill")
        .order_by("skill__category__position", "skill__position")
    )
    consequences = _requirement_lines(draft, requirements)
    return _remove(
        request, draft, role, draft_structure.remove_role, consequences, _role_url(draft, role)
    )


@require_POST
def role_move(request: HttpRequest, track_slug: str, role_slug: str) -> HttpResponse:
    draft = require_draft(request, track_slug)
    role = _get_or_404(Role, draft, role_slug, "role")
    return _move(request, draft, role, draft_structure.move_role, _role_url(draft, role))
