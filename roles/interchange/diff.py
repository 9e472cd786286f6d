"""What changes in a track's content when one document replaces another: a list of changes,
each as a compact line for the command line ("~ requirement junior/python: [2, 3] -> [3, 3]")
and as a sentence for people ("Junior MLOps Engineer now needs Python at Practitioner (was
Working), essential")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roles.document import MatrixDocument, decimal_text
from roles.limits import IMPORTANCE_NAMES


@dataclass(frozen=True)
class Change:
    action: str  # "+" added, "-" removed, "~" changed
    kind: str  # scale, threshold, category, skill, role, requirement, drop, order
    name: str
    detail: str = ""
    # The same change in words, with names, titles and level names instead of slugs.
    sentence: str = field(default="", compare=False)

    def line(self) -> str:
        text = " ".join(part for part in (self.action, self.kind, self.name) if part)
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True)
class MatrixDiff:
    changes: tuple[Change, ...] = ()
    is_new: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.is_new

    def count(self, kind: str, action: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind and c.action == action)

    def lines(self) -> list[str]:
        return [change.line() for change in self.changes]

    def sentences(self) -> list[str]:
        return [change.sentence for change in self.changes]

    def of_kinds(self, *kinds: str) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.kind in kinds)


class _Names:
    """Names of categories and skills, titles of roles and names of levels on both sides."""

    def __init__(self, old: MatrixDocument, new: MatrixDocument):
        self.old_scale, self.new_scale = old["scale"], new["scale"]
        self.names: dict[tuple[str, str], str] = {}
        for document in (old, new):  # the new name wins
            for kind, key, label in (
                ("category", "categories", "name"),
                ("skill", "skills", "name"),
                ("role", "roles", "title"),
            ):
                for entry in document[key]:
                    self.names[(kind, entry["slug"])] = entry[label]

    def of(self, kind: str, slug: str) -> str:
        return self.names.get((kind, slug), slug)

    def level(self, level: int, *, old: bool = False) -> str:
        scale = self.old_scale if old else self.new_scale
        return scale[level] if 0 <= level < len(scale) else str(level)


def diff(old: MatrixDocument | None, new: MatrixDocument) -> MatrixDiff:
    """What changes in the content when `new` replaces `old` (None: nothing stored yet)."""
    if old is None:
        return MatrixDiff(is_new=True)
    names = _Names(old, new)
    changes: list[Change] = []
    if old["scale"] != new["scale"]:
        changes.append(
            Change(
                "~",
                "scale",
                "",
                f"{_list_text(old['scale'])} -> {_list_text(new['scale'])}",
                sentence=f"The level scale changes from {', '.join(old['scale'])} "
                f"to {', '.join(new['scale'])}.",
            )
        )
    for name in ("ready_threshold", "close_threshold"):
        before, after = old["track"][name], new["track"][name]
        if before != after:
            label = name.replace("_", " ").capitalize()
            changes.append(
                Change(
                    "~",
                    "threshold",
                    name,
                    f"{decimal_text(before)} -> {decimal_text(after)}",
                    sentence=f"{label} changes from {_percent(before)} to {_percent(after)}.",
                )
            )
    for kind, key, describe in (
        ("category", "categories", _category_changes),
        ("skill", "skills", _skill_changes),
        ("role", "roles", _role_changes),
    ):
        changes += _diff_entries(kind, old[key], new[key], describe, names)
    changes += _diff_per_role(
        old["roles"], new["roles"], "requires", "requirement", _list_text, _requirement_words, names
    )
    changes += _diff_per_role(old["roles"], new["roles"], "drops", "drop", repr, _drop_words, names)
    return MatrixDiff(changes=tuple(changes))


def _diff_entries(kind: str, old: list[dict], new: list[dict], describe, names) -> list[Change]:
    before = {entry["slug"]: entry for entry in old}
    after = {entry["slug"]: entry for entry in new}
    changes = [
        Change(
            "+",
            kind,
            slug,
            _added_detail(kind, after[slug]),
            sentence=_added_sentence(kind, after[slug], names),
        )
        for slug in after
        if slug not in before
    ]
    changes += [
        Change("-", kind, slug, sentence=_removed_sentence(kind, before[slug], names))
        for slug in before
        if slug not in after
    ]
    for slug, entry in after.items():
        if slug in before:
            details = describe(before[slug], entry, names)
            if details:
                changes.append(
                    Change(
                        "~",
                        kind,
                        slug,
                        ", ".join(line for line, _ in details),
                        sentence=f"{kind.capitalize()} {names.of(kind, slug)}: "
                        + "; ".join(words for _, words in details)
                        + ".",
                    )
                )
    return changes + _order_changes(kind, before, after, names)


def _order_changes(kind: str, before: dict, after: dict, names: _Names) -> list[Change]:
    """Order changes inside each group (skills of a category, roles of a rank). Moves between
    groups show as category or rank changes, and group order as the order of categories."""
    group_key = {"skill": "category", "role": "rank"}.get(kind)
    groups: dict[Any, list[str]] = {}
    for slug, entry in after.items():
        if slug in before:
            groups.setdefault(entry[group_key] if group_key else None, []).append(slug)
    changes = []
    for key, slugs in groups.items():
        previous = [slug for slug in before if slug in slugs]
        if previous != slugs:
            place = {"skill": f" in {key}", "role": f" at rank {key}"}.get(kind, "")
            words = {
                "skill": f" in {names.of('category', key)}",
                "role": f" at rank {key}",
            }.get(kind, "")
            changes.append(
                Change(
                    "~",
                    "order",
                    f"of {_plural(kind)}{place}",
                    ", ".join(slugs),
                    sentence=f"{_plural(kind).capitalize()}{words} are reordered: "
                    + ", ".join(names.of(kind, slug) for slug in slugs)
                    + ".",
                )
            )
    return changes


def _plural(kind: str) -> str:
    return "categories" if kind == "category" else f"{kind}s"


def _added_detail(kind: str, entry: dict) -> str:
    if kind == "role":
        count = len(entry["requires"])
        detail = f"rank {entry['rank']}, {count} requirement{'s' if count != 1 else ''}"
        drops = len(entry["drops"])
        if drops:
            detail += f", {drops} declared drop{'s' if drops != 1 else ''}"
        return detail
    if kind == "skill":
        return f"in {entry['category']}"
    return ""


def _added_sentence(kind: str, entry: dict, names: _Names) -> str:
    if kind == "role":
        count = len(entry["requires"])
        drops = len(entry["drops"])
        dropped = (
            f", and no longer assessing {drops} skill{'s' if drops != 1 else ''} of the rung below"
            if drops
            else ""
        )
        return (
            f"New role {entry['title']} at rank {entry['rank']}, requiring "
            f"{count} skill{'s' if count != 1 else ''}{dropped}."
        )
    if kind == "skill":
        levels = list(entry["levels"])
        statements = (
            f"with level statements for {_levels_text(levels)}"
            if levels
            else "without level statements"
        )
        category = names.of("category", entry["category"])
        return f"New skill {entry['name']} in {category}, {statements}."
    return f"New category {entry['name']}."


def _removed_sentence(kind: str, entry: dict, names: _Names) -> str:
    if kind == "skill":
        where = names.of("category", entry["category"])
        return f"Skill {entry['name']} is removed (it was in {where})."
    if kind == "role":
        return f"Role {entry['title']} is removed."
    return f"Category {entry['name']} is removed."


# Each describe function returns (compact text, words) pairs, one per changed field.
Details = list[tuple[str, str]]


def _category_changes(old: dict, new: dict, names: _Names) -> Details:
    return _field_changes(old, new, ("name", "description"), names)


def _skill_changes(old: dict, new: dict, names: _Names) -> Details:
    details = _field_changes(old, new, ("name", "category", "description"), names)
    levels = sorted(
        level
        for level in set(old["levels"]) | set(new["levels"])
        if old["levels"].get(level) != new["levels"].get(level)
    )
    if levels:
        plural = "s" if len(levels) > 1 else ""
        details.append(
            (
                f"level statement{plural} " + ", ".join(map(str, levels)),
                f"new wording of the level statement{plural} for {_levels_text(levels)}",
            )
        )
    return details


def _role_changes(old: dict, new: dict, names: _Names) -> Details:
    fields = ("title", "rank", "summary", "salary", "experience_years")
    return _field_changes(old, new, fields, names)


FIELD_WORDS = {"experience_years": "experience (years)"}


def _field_changes(old: dict, new: dict, fields: tuple[str, ...], names: _Names) -> Details:
    details = []
    for name in fields:
        before, after = old[name], new[name]
        if before == after:
            continue
        label = FIELD_WORDS.get(name, name)
        if name in ("description", "summary"):
            details.append((name, f"new {name}"))
        elif name == "category":
            details.append(
                (
                    f"{name} {_value_text(before)} -> {_value_text(after)}",
                    f"moves from {names.of('category', before)} to {names.of('category', after)}",
                )
            )
        elif isinstance(after, dict):
            parts = [
                (key, _value_text(before[key]), _value_text(after[key]))
                for key in after
                if before[key] != after[key]
            ]
            details.append(
                (
                    f"{name} ({', '.join(f'{key} {b} -> {a}' for key, b, a in parts)})",
                    f"{label} " + ", ".join(f"{key} {b} → {a}" for key, b, a in parts),
                )
            )
        else:
            details.append(
                (
                    f"{name} {_value_text(before)} -> {_value_text(after)}",
                    f"{label} {_value_text(before)} → {_value_text(after)}",
                )
            )
    return details


def _value_text(value: Any) -> str:
    if value is None or value == "":
        return "none"
    return repr(value) if isinstance(value, str) else str(value)


def _list_text(values: list) -> str:
    return "[" + ", ".join(map(str, values)) + "]"


def _levels_text(levels: list[int]) -> str:
    """ "levels 1 to 5", "levels 3 and 4", "level 2" """
    if len(levels) == 1:
        return f"level {levels[0]}"
    if levels == list(range(levels[0], levels[-1] + 1)) and len(levels) > 2:
        return f"levels {levels[0]} to {levels[-1]}"
    return "levels " + ", ".join(map(str, levels[:-1])) + f" and {levels[-1]}"


def _percent(value) -> str:
    return f"{decimal_text(value * 100)}%"


def _diff_per_role(
    old_roles: list[dict], new_roles: list[dict], key: str, kind: str, text, words, names
) -> list[Change]:
    """Entries of a per-role mapping (`requires`, `drops`) added, changed or removed, on roles
    on both sides (added and removed roles say their own); `text` writes one value compactly,
    `words(action, role title, skill name, old value, new value, names)` as a sentence."""
    before = {role["slug"]: role[key] for role in old_roles}
    changes = []
    for role in new_roles:
        if role["slug"] not in before:
            continue
        old, new = before[role["slug"]], role[key]
        found = []  # (action, skill, old value, new value), in the order of the file
        for skill, value in new.items():
            if skill not in old:
                found.append(("+", skill, None, value))
            elif old[skill] != value:
                found.append(("~", skill, old[skill], value))
        found += [("-", skill, value, None) for skill, value in old.items() if skill not in new]
        for action, skill, was, now in found:
            detail = text(now if action == "+" else was)
            if action == "~":
                detail = f"{text(was)} -> {text(now)}"
            sentence = words(action, role["title"], names.of("skill", skill), was, now, names)
            changes.append(
                Change(action, kind, f"{role['slug']}/{skill}", detail, sentence=sentence)
            )
    return changes


def _requirement_words(action: str, role: str, skill: str, old, new, names) -> str:
    """ "Senior MLOps Engineer now needs Kubernetes at Advanced (was Practitioner), essential." """
    if action == "+":
        level, importance = new
        return (
            f"{role} now needs {skill} at {names.level(level)}, {_importance(importance)} "
            "(new requirement)."
        )
    if action == "-":
        level, importance = old
        return (
            f"{role} no longer needs {skill} (was {names.level(level, old=True)}, "
            f"{_importance(importance)})."
        )
    (old_level, old_importance), (level, importance) = old, new
    old_name, new_name = names.level(old_level, old=True), names.level(level)
    if old_importance == importance:
        importance_name = _importance(importance)
        return f"{role} now needs {skill} at {new_name} (was {old_name}), {importance_name}."
    if old_level == level:
        return (
            f"{role} now counts {skill} as {_importance(importance)} "
            f"(was {_importance(old_importance)}), at {new_name}."
        )
    return (
        f"{role} now needs {skill} at {new_name}, {_importance(importance)} "
        f"(was {old_name}, {_importance(old_importance)})."
    )


def _drop_words(action: str, role: str, skill: str, old, new, names) -> str:
    """A declared drop: a role no longer assessing a skill of the rung below, and why."""
    if action == "+":
        return f"{role} declares it no longer assesses {skill}: {new}"
    if action == "-":
        return f"{role} no longer declares that it stops assessing {skill}."
    return f"{role} gives a new reason for no longer assessing {skill}: {new}"


def _importance(importance: int) -> str:
    return IMPORTANCE_NAMES[importance].lower()
