"""The matrix grid's view model: skills as rows grouped by category, roles as columns in rank
order, each cell with its level by name and number, its importance, and the link that edits
it, and the cells a role declares dropped (roles.coherence). Built from four queries whatever
the size of the matrix.

The cells' markup is written here, once, rather than in the template: a grid holds up to
164 x 8 cells, and Django's template engine takes some 60 microseconds a cell, which made the
page six times slower than its target (bench/editor.py). The page and the one-cell response
of htmx both use `cell_markup()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from html import escape

from django.db.models import Value
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from roles.limits import IMPORTANCE_NAMES
from roles.models import Category, DeclaredDrop, MatrixVersion, Requirement, Role, Skill

ESSENTIAL = 3
# Stands for a skill's slug in markup written once for every skill; never in a slug.
SKILL_SLOT = "\x00"


def level_label(version: MatrixVersion, level: int) -> str:
    return f"{level} · {version.level_name(level)}" if level else "Not required"


def cell_dom_id(role_slug: str, skill_slug: str) -> str:
    return f"cell-{role_slug}--{skill_slug}"


class CellHeads(dict):
    """(role slug, (level, importance) or None, dropped) -> that cell up to its closing tag,
    SKILL_SLOT where the skill's slug goes, written on first use: the grid's cells of a role
    differ only by skill, so each kind is written once and then found by a plain lookup."""

    def __init__(self, write: Callable[[str, tuple[int, int] | None, bool], str]):
        super().__init__()
        self.write = write

    def __missing__(self, key: tuple[str, tuple[int, int] | None, bool]) -> str:
        head = self[key] = self.write(*key)
        return head


class CellMarkup:
    """The markup of the cells and rows of one version: the texts of every level and
    importance escaped once, then one string format per cell."""

    def __init__(self, version: MatrixVersion, *, editable: bool):
        self.editable = editable
        # Entities keep the page ASCII, which Python copies and encodes fastest; short tags
        # keep 164 x 8 cells small (editor.css styles them).
        self.contents = {
            (
                0,
                0,
            ): '<i aria-hidden="true">&ndash;</i><span class="visually-hidden">not required</span>'
        }
        self.css = {(0, 0): "i0"}
        self.dropped = (
            '<i aria-hidden="true">&ndash;</i> <small>dropped</small>'
            '<span class="visually-hidden"> on purpose: declared no longer assessed</span>'
        )
        for level in range(1, version.max_level + 1):
            label = escape(level_label(version, level)).replace("\u00b7", "&middot;")
            for importance, name in IMPORTANCE_NAMES.items():
                self.contents[(level, importance)] = f"<b>{label}</b> <small>{escape(name)}</small>"
                self.css[(level, importance)] = f"i{importance}"
        self.track = version.track.slug
        pattern = reverse("roles:editor:cell", args=[self.track, "ROLE", "SKILL"])
        self.url_head, _, self.url_tail = pattern.partition("ROLE/SKILL")
        self.heads = CellHeads(self._cell_head)

    def td(
        self,
        role_slug: str,
        skill_slug: str,
        level: int,
        importance: int,
        extra: str = "",
        *,
        dropped: bool = False,
    ) -> str:
        head = self.heads[(role_slug, (level, importance) if level else None, dropped)]
        return f"{head.replace(SKILL_SLOT, skill_slug)}{extra}</td>"

    def _cell_head(self, role_slug: str, cell: tuple[int, int] | None, dropped: bool) -> str:
        key = cell if cell and cell[0] else (0, 0)
        content = self.dropped if dropped and key == (0, 0) else self.contents.get(key)
        if content is None:  # a level above the scale: only a broken import could store it
            content, key = escape(str(key[0])), (0, 0)
        # Slugs are [a-z0-9-]: nothing to escape or quote.
        if self.editable:
            url = f"{self.url_head}{role_slug}/{SKILL_SLOT}{self.url_tail}"
            content = (
                f'<a href="{url}" hx-get="{url}" hx-target="closest td" hx-swap="outerHTML">'
                f"{content}</a>"
            )
        return f'<td id="cell-{role_slug}--{SKILL_SLOT}" class="cell {self.css[key]}">{content}'

    def _url_around(self, name: str) -> tuple[str, str]:
        """The editor URL `name` of a role, skill or category, split where its slug goes:
        reversed once for the grid's rows and columns."""
        head, _, tail = reverse(f"roles:editor:{name}", args=[self.track, "SLUG"]).partition("SLUG")
        return head, tail

    @cached_property
    def _skill_url(self) -> tuple[str, str]:
        return self._url_around("skill")

    @cached_property
    def _role_url(self) -> tuple[str, str]:
        return self._url_around("role")

    @cached_property
    def _category_url(self) -> tuple[str, str]:
        return self._url_around("category")

    def role_url(self, role_slug: str) -> str:
        head, tail = self._role_url
        return f"{head}{role_slug}{tail}"

    def category_url(self, category_slug: str) -> str:
        head, tail = self._category_url
        return f"{head}{category_slug}{tail}"

    def row(self, skill_slug: str, skill_name: str, cells: str) -> str:
        name = escape(skill_name)
        if self.editable:
            head, tail = self._skill_url
            name = f'<a href="{head}{skill_slug}{tail}">{name}</a>'
        return (
            f'<tr><th scope="row" class="matrix-skill" id="skill-{skill_slug}">{name}</th>'
            f"{cells}</tr>"
        )


def cell_markup(
    version: MatrixVersion,
    role_slug: str,
    skill_slug: str,
    level: int,
    importance: int,
    *,
    notice: str = "",
    saved: bool = False,
    dropped: bool = False,
    drop_url: str = "",
) -> SafeString:
    """One editable cell, as the grid shows it, with a notice for the admin who just saved it
    and, when the rung below requires its skill, a link to declare the drop."""
    extra = ""
    if notice:
        extra = f'<p class="cell-message" role="status">{escape(notice)}</p>'
    elif saved:
        extra = '<span class="visually-hidden" role="status">Saved.</span>'
    if drop_url:
        extra += f'<p class="cell-message"><a href="{escape(drop_url)}">Declare the drop</a></p>'
    markup = CellMarkup(version, editable=True)
    return mark_safe(markup.td(role_slug, skill_slug, level, importance, extra, dropped=dropped))


@dataclass(frozen=True)
class CellView:
    """One cell for its own page and form."""

    role: Role
    skill: Skill
    level: int  # 0: not required
    importance: int  # 0 when not required
    label: str
    url: str
    dom_id: str

    @property
    def importance_name(self) -> str:
        return IMPORTANCE_NAMES.get(self.importance, "")


def build_cell(version: MatrixVersion, role: Role, skill: Skill, level: int, importance: int):
    return CellView(
        role=role,
        skill=skill,
        level=level,
        importance=importance if level else 0,
        label=level_label(version, level),
        url=reverse("roles:editor:cell", args=[version.track.slug, role.slug, skill.slug]),
        dom_id=cell_dom_id(role.slug, skill.slug),
    )


@dataclass(frozen=True)
class GridSection:
    category: Category
    edit_url: str
    skill_count: int
    rows: SafeString  # the section's <tr> rows, each a skill with its cells


@dataclass(frozen=True)
class GridColumn:
    role: Role
    edit_url: str


@dataclass(frozen=True)
class Grid:
    version: MatrixVersion
    columns: tuple[GridColumn, ...]
    sections: tuple[GridSection, ...]

    @property
    def skill_count(self) -> int:
        return sum(section.skill_count for section in self.sections)


def build_grid(version: MatrixVersion, *, editable: bool) -> Grid:
    """The grid of a version (its track already loaded): four queries."""
    categories = list(version.categories.in_matrix_order().only("version", "slug", "name"))
    skills = version.skills.in_matrix_order().values_list("id", "slug", "name", "category_id")
    roles = list(version.roles.in_matrix_order().only("version", "slug", "title", "rank"))
    columns = [(role.id, role.slug) for role in roles]
    role_ids = [role_id for role_id, _ in columns]
    # Requirements and, as level 0 (a requirement's is 1 or more), declared drops, in one
    # query; order_by(): the default orders join two more tables for nothing.
    cells = (
        Requirement.objects.filter(role_id__in=role_ids)
        .order_by()
        .values_list("role_id", "skill_id", "level", "importance")
        .union(
            DeclaredDrop.objects.filter(role_id__in=role_ids)
            .order_by()
            .values_list("role_id", "skill_id", Value(0), Value(0)),
            all=True,
        )
    )
    required: dict[int, dict[int, tuple[int, int]]] = {}
    dropped: dict[int, set[int]] = {}
    for role_id, skill_id, level, importance in cells:
        if level:
            required.setdefault(skill_id, {})[role_id] = (level, importance)
        else:
            dropped.setdefault(skill_id, set()).add(role_id)
    markup = CellMarkup(version, editable=editable)
    heads, none = markup.heads, {}
    rows: dict[int, list[str]] = {category.pk: [] for category in categories}
    for skill_id, skill_slug, skill_name, category_id in skills:
        levels, drops = required.get(skill_id, none), dropped.get(skill_id, none)
        cells = "</td>".join(
            [
                heads[(role_slug, levels.get(role_id), role_id in drops)]
                for role_id, role_slug in columns
            ]
        )
        cells = f"{cells}</td>".replace(SKILL_SLOT, skill_slug) if columns else ""
        rows[category_id].append(markup.row(skill_slug, skill_name, cells))
    return Grid(
        version=version,
        columns=tuple(GridColumn(role, markup.role_url(role.slug)) for role in roles),
        sections=tuple(
            GridSection(
                category=category,
                edit_url=markup.category_url(category.slug),
                skill_count=len(rows[category.pk]),
                rows=mark_safe("".join(rows[category.pk])),
            )
            for category in categories
        ),
    )
