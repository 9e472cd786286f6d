"""Learning resources in a ladder file: the optional top-level `resources:` section, keyed by
skill slug (docs/interchange.md). Resources belong to the track, not to a version: they are
not part of the content a version holds or hashes, and importing a file that has the section
makes the track's resources exactly the file's.

    validate    the section's data -> {skill: [resource, ...]}, every problem with its place
    export      a track's resources of a version's skills -> the same shape
    replace     the track's resources made to match, with what was added, changed, removed
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from roles.interchange import checks
from roles.interchange.problems import Problems, Where
from roles.resources import HOURS_MAX, TITLE_MAX, URL_MAX, LearningResource, web_url

KEY = "resources"
FIELDS = ("title", "url", "kind", "levels", "cost", "hours")
COSTS = {"free": True, "paid": False}
KINDS = tuple(LearningResource.Kind.values)

# {skill slug: [{"title", "url", "kind", "levels", "free", "hours"}, ...]}, in file order.
Resources = dict[str, list[dict[str, Any]]]


def validate(
    problems: Problems, value: Any, skills: list[str] | None, top: int | None
) -> Resources | None:
    """The section, or None when the file has none (the track's resources stay as they are)."""
    if value is checks.MISSING:
        return None
    where: Where = (KEY,)
    if value is None:
        return {}
    if not checks.is_mapping(problems, value, where):
        return {}
    resources: Resources = {}
    for skill, entries in value.items():
        at = (*where, str(skill))
        if not isinstance(skill, str):
            problems.add(at, f"expected a skill slug, got {checks.kind(skill)}")
            continue
        if skills is not None and skill not in skills:
            problems.add(at, f"unknown skill {skill!r}{checks.did_you_mean(skill, skills)}")
        items = checks.list_of(problems, entries, at, what="resources")
        seen: dict[str, Where] = {}
        valid = []
        for index, entry in enumerate(items or ()):
            resource = _validate_resource(problems, entry, (*at, index), top)
            if resource is not None:
                checks.unique(problems, seen, resource["url"], (*at, index, "url"), what="url")
                valid.append(resource)
        resources[skill] = valid
    return resources


def _validate_resource(problems: Problems, entry: Any, where: Where, top: int | None):
    if not checks.mapping(problems, entry, where, required=FIELDS):
        return None
    field = checks.fields(problems, entry, where)
    resource = {
        "title": field("title", checks.text, max_length=TITLE_MAX),
        "url": field("url", _url),
        "kind": field("kind", _choice, choices=KINDS),
        "levels": field("levels", _levels, top=top),
        "free": COSTS.get(field("cost", _choice, choices=tuple(COSTS))),
        "hours": field("hours", checks.whole, minimum=1, maximum=HOURS_MAX, name="hours"),
    }
    return None if any(value is None for value in resource.values()) else resource


def _url(problems: Problems, value: Any, where: Where) -> str | None:
    url = checks.text(problems, value, where, max_length=URL_MAX)
    if url is None:
        return None
    try:
        web_url(url)
    except ValidationError:
        problems.add(where, f"{url!r} is not a web address (http:// or https://)")
        return None
    return url


def _choice(problems: Problems, value: Any, where: Where, *, choices: tuple[str, ...]):
    text = checks.text(problems, value, where)
    if text is not None and text not in choices:
        problems.add(where, f"{text!r} is not one of {', '.join(choices)}")
        return None
    return text


def _levels(problems: Problems, value: Any, where: Where, *, top: int | None) -> list | None:
    """The levels a resource helps reach: a list of distinct levels 1..N of the scale."""
    if not isinstance(value, list) or not value:
        problems.add(where, f"expected a list of levels such as [1, 2], got {checks.kind(value)}")
        return None
    highest = top or 7
    levels = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= highest:
            problems.add(where, f"{item!r} is not a level of the scale 1..{highest}")
            return None
        if item in levels:
            problems.add(where, f"level {item} is listed twice")
            return None
        levels.append(item)
    return sorted(levels)


# ---------- Export ---------------------------------------------------------------------------


def export(track_id: int, skills: list[str]) -> Resources:
    """The track's resources of the given skills, in skill order then the track's order."""
    found = LearningResource.objects.for_skills(track_id, skills)
    return {
        skill: [as_entry(resource) for resource in found[skill]]
        for skill in skills
        if skill in found
    }


def as_entry(resource: LearningResource) -> dict[str, Any]:
    return {
        "title": resource.title,
        "url": resource.url,
        "kind": resource.kind,
        "levels": sorted(resource.levels),
        "free": resource.free,
        "hours": resource.hours,
    }


def file_form(resources: Resources) -> dict[str, list[dict[str, Any]]]:
    """As written to a file: `cost: free|paid` for the stored flag."""
    return {
        skill: [
            {
                "title": entry["title"],
                "url": entry["url"],
                "kind": entry["kind"],
                "levels": entry["levels"],
                "cost": "free" if entry["free"] else "paid",
                "hours": entry["hours"],
            }
            for entry in entries
        ]
        for skill, entries in resources.items()
    }


# ---------- Replace ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceChanges:
    added: int = 0
    changed: int = 0
    removed: int = 0
    kept: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def text(self, *, dry_run: bool) -> str:
        if self.is_empty:
            return f"Learning resources: unchanged ({self.kept})."
        parts = [
            f"{count} {what}"
            for count, what in (
                (self.added, "added"),
                (self.changed, "changed"),
                (self.removed, "removed"),
            )
            if count
        ]
        verb = "would change" if dry_run else "changed"
        return f"Learning resources {verb}: {', '.join(parts)}; {self.kept} as they were."


def _stored(track) -> dict[tuple[str, str], LearningResource]:
    if track is None or track.pk is None:
        return {}
    return {(r.skill, r.url): r for r in LearningResource.objects.filter(track=track)}


def _plan(stored: dict, resources: Resources):
    """What replacing the stored resources by `resources` adds, changes, keeps and removes."""
    wanted = {
        (skill, entry["url"]): (position, entry)
        for skill, entries in resources.items()
        for position, entry in enumerate(entries)
    }
    added, changed, kept = [], [], []
    for key, (position, entry) in wanted.items():
        resource = stored.get(key)
        if resource is None:
            added.append((key, position, entry))
        elif as_entry(resource) != entry or resource.position != position:
            changed.append((resource, position, entry))
        else:
            kept.append(resource)
    removed = [resource for key, resource in stored.items() if key not in wanted]
    return added, changed, kept, removed


def compare(track, resources: Resources) -> ResourceChanges:
    """What replace() would do, writing nothing (`track` None: a new track)."""
    added, changed, kept, removed = _plan(_stored(track), resources)
    return ResourceChanges(len(added), len(changed), len(removed), len(kept))


def replace(track, resources: Resources) -> ResourceChanges:
    """Make the track's resources exactly `resources`: matched by skill and URL, updated in
    place, the others added or removed; each skill's in file order. Run it in the import's
    transaction."""
    added, changed, kept, removed = _plan(_stored(track), resources)
    LearningResource.objects.bulk_create(
        LearningResource(track=track, skill=skill, position=position, **entry)
        for (skill, _), position, entry in added
    )
    for resource, position, entry in changed:
        for name, value in entry.items():
            setattr(resource, name, value)
        resource.position = position
        resource.save()
    LearningResource.objects.filter(pk__in=[resource.pk for resource in removed]).delete()
    return ResourceChanges(len(added), len(changed), len(removed), len(kept))
