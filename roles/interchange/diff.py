"""What changes in a track's content when one document replaces another, as a list of
changes that read as sentences ("~ requirement junior/python: [2, 3] -> [3, 3]")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roles.document import MatrixDocument, decimal_text


@dataclass(frozen=True)
class Change:
    action: str  # "+" added, "-" removed, "~" changed
    kind: str  # scale, threshold, category, skill, role, requirement, drop, order
    name: str
    detail: str = ""

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


def diff(old: MatrixDocument | None, new: MatrixDocument) -> MatrixDiff:
    """What changes in the content when `new` replaces `old` (None: nothing stored yet)."""
    if old is None:
        return MatrixDiff(is_new=True)
    changes: list[Change] = []
    if old["scale"] != new["scale"]:
        changes.append(
            Change("~", "scale", "", f"{_list_text(old['scale'])} -> {_list_text(new['scale'])}")
        )
    for name in ("ready_threshold", "close_threshold"):
        before, after = old["track"][name], new["track"][name]
        if before != after:
            changes.append(
                Change("~", "threshold", name, f"{decimal_text(before)} -> {decimal_text(after)}")
            )
    changes += _diff_entries("category", old["categories"], new["categories"], _category_changes)
    changes += _diff_entries("skill", old["skills"], new["skills"], _skill_changes)
    changes += _diff_entries("role", old["roles"], new["roles"], _role_changes)
    changes += _diff_per_role(old["roles"], new["roles"], "requires", "requirement", _list_text)
    changes += _diff_per_role(old["roles"], new["roles"], "drops", "drop", repr)
    return MatrixDiff(changes=tuple(changes))


def _diff_entries(kind: str, old: list[dict], new: list[dict], describe) -> list[Change]:
    before = {entry["slug"]: entry for entry in old}
    after = {entry["slug"]: entry for entry in new}
    changes = [
        Change("+", kind, slug, _added_detail(kind, after[slug]))
        for slug in after
        if slug not in before
    ]
    changes += [Change("-", kind, slug) for slug in before if slug not in after]
    for slug, entry in after.items():
        if slug in before:
            detail = describe(before[slug], entry)
            if detail:
                changes.append(Change("~", kind, slug, ", ".join(detail)))
    return changes + _order_changes(kind, before, after)


def _order_changes(kind: str, before: dict, after: dict) -> list[Change]:
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
            changes.append(Change("~", "order", f"of {_plural(kind)}{place}", ", ".join(slugs)))
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


def _category_changes(old: dict, new: dict) -> list[str]:
    return _field_changes(old, new, ("name", "description"))


def _skill_changes(old: dict, new: dict) -> list[str]:
    details = _field_changes(old, new, ("name", "category", "description"))
    levels = sorted(
        level
        for level in set(old["levels"]) | set(new["levels"])
        if old["levels"].get(level) != new["levels"].get(level)
    )
    if levels:
        details.append(
            f"level statement{'s' if len(levels) > 1 else ''} " + ", ".join(map(str, levels))
        )
    return details


def _role_changes(old: dict, new: dict) -> list[str]:
    return _field_changes(old, new, ("title", "rank", "summary", "salary", "experience_years"))


def _field_changes(old: dict, new: dict, fields: tuple[str, ...]) -> list[str]:
    details = []
    for name in fields:
        before, after = old[name], new[name]
        if before == after:
            continue
        if name in ("description", "summary"):
            details.append(name)
        elif isinstance(after, dict):
            parts = [
                f"{key} {_value_text(before[key])} -> {_value_text(after[key])}"
                for key in after
                if before[key] != after[key]
            ]
            details.append(f"{name} ({', '.join(parts)})")
        else:
            details.append(f"{name} {_value_text(before)} -> {_value_text(after)}")
    return details


def _value_text(value: Any) -> str:
    if value is None or value == "":
        return "none"
    return repr(value) if isinstance(value, str) else str(value)


def _list_text(values: list) -> str:
    return "[" + ", ".join(map(str, values)) + "]"


def _diff_per_role(
    old_roles: list[dict], new_roles: list[dict], key: str, kind: str, text
) -> list[Change]:
    """Entries of a per-role mapping (`requires`, `drops`) added, changed or removed, on roles
    on both sides (added and removed roles say their own); `text` writes one value."""
    before = {role["slug"]: role[key] for role in old_roles}
    changes = []
    for role in new_roles:
        if role["slug"] not in before:
            continue
        old, new = before[role["slug"]], role[key]
        for skill, value in new.items():
            name = f"{role['slug']}/{skill}"
            if skill not in old:
                changes.append(Change("+", kind, name, text(value)))
            elif old[skill] != value:
                changes.append(Change("~", kind, name, f"{text(old[skill])} -> {text(value)}"))
        changes += [
            Change("-", kind, f"{role['slug']}/{skill}", text(value))
            for skill, value in old.items()
            if skill not in new
        ]
    return changes
