"""Skills, categories and roles of a track's draft as the matrix editor changes them: added,
renamed, moved and removed, each under the draft's lock and recorded in the audit log
(roles.drafting). Slugs are derived from names, and kept once a published version holds them."""

from __future__ import annotations

import re

from django.utils.text import slugify

from roles import drafting
from roles.drafting import Action, DraftError, cell_text
from roles.limits import SLUG_MAX
from roles.models import Category, MatrixVersion, Requirement, Role, Skill, Track

# A role slug the editor's URLs take (DESIGN.md: /roles/<track>/edit/).
RESERVED_ROLE_SLUGS = frozenset({"edit"})


def slug_from(name: str, what: str) -> str:
    """The slug a name gives ("Cloud platforms (AWS)" -> "cloud-platforms-aws")."""
    slug = re.sub(r"-+", "-", slugify(name).replace("_", "-")).strip("-")
    slug = slug[:SLUG_MAX].rstrip("-")
    if not slug:
        raise DraftError(
            f"The {what}'s name needs at least one letter or digit from a to z: "
            "its address is made from it."
        )
    return slug


def _published_slugs(track: Track, model: type) -> set[str]:
    """Slugs of this kind that a published version of the track holds: they stay as they are."""
    return set(
        model.objects.filter(
            version__track=track, version__status=MatrixVersion.Status.PUBLISHED
        ).values_list("slug", flat=True)
    )


def _unique_slug(draft: MatrixVersion, model: type, slug: str, what: str, exclude=None) -> None:
    taken = model.objects.filter(version=draft, slug=slug)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    other = taken.first()
    if other is not None:
        raise DraftError(
            f"The {what} {other} already has the address “{slug}”: choose another name."
        )


# ---------- Skills ---------------------------------------------------------------------------


def _statements(levels: dict[int, str]) -> dict[str, str]:
    return {str(level): text for level, text in sorted(levels.items()) if text}


def add_skill(
    draft: MatrixVersion,
    *,
    user,
    name: str,
    category: Category,
    description: str,
    levels: dict[int, str],
    requirements: dict[Role, tuple[int, int]],
) -> Skill:
    """A new skill at the end of its category, required by the given roles."""
    slug = slug_from(name, "skill")
    with drafting.editing(draft):
        _unique_slug(draft, Skill, slug, "skill")
        last = Skill.objects.filter(category=category).order_by("-position").first()
        skill = Skill(
            version=draft,
            category=category,
            slug=slug,
            name=name,
            description=description,
            levels=_statements(levels),
            position=last.position + 1 if last else 0,
        )
        Skill.objects.bulk_create([skill])
        Requirement.objects.bulk_create(
            Requirement(role=role, skill=skill, level=level, importance=importance)
            for role, (level, importance) in requirements.items()
        )
        required = "; ".join(
            f"{role.title} at {cell_text(draft, pair)}" for role, pair in requirements.items()
        )
        drafting.record(
            draft,
            user,
            Action.ADDED,
            f"Added the skill {name} to {category.name}"
            + (f", required by {required}" if required else ""),
            target=f"skill:{skill.pk}",
            after=name,
        )
    return skill


def update_skill(
    draft: MatrixVersion,
    skill: Skill,
    *,
    user,
    name: str,
    category: Category,
    description: str,
    levels: dict[int, str],
) -> Skill:
    """Rename, describe, move to another category, reword level statements. The slug follows
    the name until a published version holds the skill; then it stays."""
    statements = _statements(levels)
    changes = []
    if name != skill.name:
        changes.append(f"renamed from “{skill.name}”")
    if category.pk != skill.category_id:
        changes.append(f"moved to {category.name}")
    if description != skill.description:
        changes.append("new description")
    reworded = sorted(
        int(level)
        for level in set(statements) | set(skill.levels)
        if statements.get(level, "") != skill.levels.get(level, "")
    )
    if reworded:
        changes.append("level statements " + ", ".join(map(str, reworded)))
    if not changes:
        return skill
    with drafting.editing(draft):
        slug = skill.slug
        if name != skill.name and skill.slug not in _published_slugs(draft.track, Skill):
            slug = slug_from(name, "skill")
            _unique_slug(draft, Skill, slug, "skill", exclude=skill)
        fields = {
            "name": name,
            "slug": slug,
            "description": description,
            "levels": statements,
            "category": category,
        }
        if category.pk != skill.category_id:
            last = Skill.objects.filter(category=category).order_by("-position").first()
            fields["position"] = last.position + 1 if last else 0
        before = skill.name
        Skill.objects.filter(pk=skill.pk).update(**fields)
        for field, value in fields.items():
            setattr(skill, field, value)
        drafting.record(
            draft,
            user,
            Action.CHANGED,
            f"Skill {name}: {', '.join(changes)}",
            target=f"skill:{skill.pk}",
            before=before,
            after=name,
        )
    return skill


def remove_skill(draft: MatrixVersion, skill: Skill, *, user) -> None:
    """Remove a skill and every requirement of it."""
    with drafting.editing(draft):
        required_by = Requirement.objects.filter(skill=skill).count()
        Skill.objects.filter(pk=skill.pk).delete()
        drafting.record(
            draft,
            user,
            Action.REMOVED,
            f"Removed the skill {skill.name} and its {required_by} requirement"
            f"{'s' if required_by != 1 else ''}",
            target=f"skill:{skill.pk}",
            before=skill.name,
        )


def _move(draft: MatrixVersion, siblings, item, offset: int, what: str, words, *, user) -> bool:
    """Move `item` one place among `siblings` (a queryset, in order): -1 up or left, +1 down or
    right; False when it is already at that end."""
    with drafting.editing(draft):
        ordered = list(siblings.in_matrix_order())
        index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
        if not 0 <= index + offset < len(ordered):
            return False
        ordered[index], ordered[index + offset] = ordered[index + offset], ordered[index]
        for position, entry in enumerate(ordered):
            entry.position = position
        type(item).objects.bulk_update(ordered, ["position"])
        drafting.record(
            draft,
            user,
            Action.MOVED,
            f"Moved the {what} {item} {words[0] if offset < 0 else words[1]}",
            target=f"{what}:{item.pk}",
        )
    return True


def move_skill(draft: MatrixVersion, skill: Skill, offset: int, *, user) -> bool:
    """Move a skill one place up (-1) or down (+1) within its category."""
    siblings = Skill.objects.filter(category_id=skill.category_id)
    return _move(draft, siblings, skill, offset, "skill", ("up", "down"), user=user)


# ---------- Categories -----------------------------------------------------------------------


def add_category(draft: MatrixVersion, *, user, name: str, description: str) -> Category:
    slug = slug_from(name, "category")
    with drafting.editing(draft):
        _unique_slug(draft, Category, slug, "category")
        last = Category.objects.filter(version=draft).order_by("-position").first()
        category = Category.objects.create(
            version=draft,
            slug=slug,
            name=name,
            description=description,
            position=last.position + 1 if last else 0,
        )
        drafting.record(
            draft,
            user,
            Action.ADDED,
            f"Added the category {name}",
            target=f"category:{category.pk}",
            after=name,
        )
    return category


def update_category(
    draft: MatrixVersion, category: Category, *, user, name: str, description: str
) -> Category:
    if name == category.name and description == category.description:
        return category
    with drafting.editing(draft):
        slug = category.slug
        if name != category.name and slug not in _published_slugs(draft.track, Category):
            slug = slug_from(name, "category")
            _unique_slug(draft, Category, slug, "category", exclude=category)
        before = category.name
        changes = [f"renamed from “{before}”"] if name != before else []
        if description != category.description:
            changes.append("new description")
        Category.objects.filter(pk=category.pk).update(
            name=name, slug=slug, description=description
        )
        category.name, category.slug, category.description = name, slug, description
        drafting.record(
            draft,
            user,
            Action.CHANGED,
            f"Category {name}: {', '.join(changes)}",
            target=f"category:{category.pk}",
            before=before,
            after=name,
        )
    return category


def remove_category(draft: MatrixVersion, category: Category, *, user) -> None:
    """Remove a category with its skills and their requirements; not the last category."""
    with drafting.editing(draft):
        if not Category.objects.filter(version=draft).exclude(pk=category.pk).exists():
            raise DraftError("A ladder needs at least one category: this is the last one.")
        skills = Skill.objects.filter(category=category)
        count = skills.count()
        skills.delete()
        Category.objects.filter(pk=category.pk).delete()
        drafting.record(
            draft,
            user,
            Action.REMOVED,
            f"Removed the category {category.name}"
            + (f" with its {count} skill{'s' if count != 1 else ''}" if count else ""),
            target=f"category:{category.pk}",
            before=category.name,
        )


def move_category(draft: MatrixVersion, category: Category, offset: int, *, user) -> bool:
    siblings = Category.objects.filter(version=draft)
    return _move(draft, siblings, category, offset, "category", ("up", "down"), user=user)


# ---------- Roles ----------------------------------------------------------------------------


def _role_slug(draft: MatrixVersion, title: str, exclude: Role | None = None) -> str:
    slug = slug_from(title, "role")
    if slug in RESERVED_ROLE_SLUGS:
        raise DraftError(f"“{slug}” is taken by the editor's addresses: choose another title.")
    _unique_slug(draft, Role, slug, "role", exclude=exclude)
    return slug


def add_role(draft: MatrixVersion, *, user, values: dict) -> Role:
    """A new role (values: Role.CONTENT_FIELDS but slug and position) at the end of its rank."""
    with drafting.editing(draft):
        slug = _role_slug(draft, values["title"])
        last = Role.objects.filter(version=draft).order_by("-position").first()
        role = Role(version=draft, slug=slug, position=last.position + 1 if last else 0, **values)
        Role.objects.bulk_create([role])
        drafting.record(
            draft,
            user,
            Action.ADDED,
            f"Added the role {role.title} at rank {role.rank}",
            target=f"role:{role.pk}",
            after=role.title,
        )
    return role


ROLE_FIELD_NAMES = {
    "title": "title",
    "rank": "rank",
    "summary": "summary",
    "salary_min": "salary",
    "salary_max": "salary",
    "salary_average": "salary",
    "salary_currency": "salary",
    "salary_year": "salary",
    "salary_source": "salary source",
    "experience_min": "experience",
    "experience_max": "experience",
}


def update_role(draft: MatrixVersion, role: Role, *, user, values: dict) -> Role:
    changed = [field for field, value in values.items() if getattr(role, field) != value]
    if not changed:
        return role
    with drafting.editing(draft):
        fields = dict(values)
        if values["title"] != role.title and role.slug not in _published_slugs(draft.track, Role):
            fields["slug"] = _role_slug(draft, values["title"], exclude=role)
        before = role.title
        Role.objects.filter(pk=role.pk).update(**fields)
        for field, value in fields.items():
            setattr(role, field, value)
        words = []
        for field in changed:
            if field == "rank":
                words.append(f"rank {values['rank']}")
            elif field == "title":
                words.append(f"renamed from “{before}”")
            elif ROLE_FIELD_NAMES[field] not in words:
                words.append(ROLE_FIELD_NAMES[field])
        drafting.record(
            draft,
            user,
            Action.CHANGED,
            f"Role {role.title}: {', '.join(words)}",
            target=f"role:{role.pk}",
            before=before,
            after=role.title,
        )
    return role


def remove_role(draft: MatrixVersion, role: Role, *, user) -> None:
    with drafting.editing(draft):
        if not Role.objects.filter(version=draft).exclude(pk=role.pk).exists():
            raise DraftError("A ladder needs at least one role: this is the last one.")
        count = Requirement.objects.filter(role=role).count()
        Role.objects.filter(pk=role.pk).delete()
        drafting.record(
            draft,
            user,
            Action.REMOVED,
            f"Removed the role {role.title} and its {count} requirement{'s' if count != 1 else ''}",
            target=f"role:{role.pk}",
            before=role.title,
        )


def move_role(draft: MatrixVersion, role: Role, offset: int, *, user) -> bool:
    """Move a role one place left (-1) or right (+1) among the roles of its rank."""
    siblings = Role.objects.filter(version=draft, rank=role.rank)
    return _move(draft, siblings, role, offset, "role", ("left", "right"), user=user)
