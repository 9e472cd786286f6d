"""The CSV long form: the requirement matrix one requirement a row, for spreadsheets.
Reading it updates the requirements of roles of a stored version; writing it lists them."""

from __future__ import annotations

import csv
import io
import re

from roles.document import MatrixDocument, canonical_order
from roles.interchange.checks import SMALL_INTEGER_MAX, TITLE_MAX, did_you_mean, file_size
from roles.interchange.problems import InterchangeError, Problems
from roles.models import Track

CSV_HEADER = (
    "role",
    "role_title",
    "rank",
    "category",
    "skill",
    "skill_name",
    "level",
    "importance",
)


def parse_csv(text: str, source: str, track_slug: str) -> MatrixDocument:
    """The track's draft (or current version) with the requirements of every role the CSV
    names replaced by its rows; those roles' titles and ranks come from the CSV too."""
    file_size(source, len(text.encode()))
    track = Track.objects.filter(slug=track_slug).first()
    if track is None:
        raise InterchangeError([f"{source}: unknown track {track_slug!r}"])
    base_version = track.draft_version() or track.current_version()
    if base_version is None:
        raise InterchangeError(
            [f"{source}: track {track_slug!r} has no version yet; import its YAML file first"]
        )
    document = base_version.to_document()
    label = f"{track_slug} v{base_version.number}"
    problems = Problems(source)
    rows = _csv_rows(text, source)
    if not rows:
        raise InterchangeError([f"{source}: the file is empty"])
    header_line, header = rows[0]
    if tuple(cell.strip().lower() for cell in header) != CSV_HEADER:
        raise InterchangeError(
            [f"{source}:{header_line}: expected the header {','.join(CSV_HEADER)}"]
        )
    if len(rows) == 1:
        raise InterchangeError([f"{source}: has a header but no requirement rows"])

    roles = {role["slug"]: role for role in document["roles"]}
    skills = {skill["slug"]: skill for skill in document["skills"]}
    top = len(document["scale"]) - 1
    updates: dict[str, dict] = {}
    first_seen: dict[tuple[str, str], int] = {}
    for line, cells in rows[1:]:
        place = f"{source}:{line}"
        if len(cells) != len(CSV_HEADER):
            problems.messages.append(
                f"{place}: expected {len(CSV_HEADER)} columns, got {len(cells)}"
            )
            continue
        row = dict(zip(CSV_HEADER, (cell.strip() for cell in cells), strict=True))
        row_problems: list[str] = []
        role = roles.get(row["role"])
        if role is None:
            row_problems.append(
                f"unknown role {row['role']!r} in {label}{did_you_mean(row['role'], roles)}"
            )
        skill = skills.get(row["skill"])
        if skill is None:
            row_problems.append(
                f"unknown skill {row['skill']!r} in {label}{did_you_mean(row['skill'], skills)}"
            )
        else:
            if row["category"] and row["category"] != skill["category"]:
                row_problems.append(
                    f"skill {skill['slug']!r} is in category {skill['category']!r}, not "
                    f"{row['category']!r} (a CSV import does not move skills)"
                )
            if row["skill_name"] and row["skill_name"] != skill["name"]:
                row_problems.append(
                    f"skill {skill['slug']!r} is named {skill['name']!r}, not "
                    f"{row['skill_name']!r} (a CSV import does not rename skills)"
                )
        title = row["role_title"]
        if not title:
            row_problems.append("role_title must not be empty")
        elif len(title) > TITLE_MAX:
            row_problems.append(
                f"role_title is {len(title)} characters long; the limit is {TITLE_MAX}"
            )
        rank = _csv_whole(row_problems, row["rank"], "rank", 1, SMALL_INTEGER_MAX)
        level = _csv_whole(row_problems, row["level"], "level", 1, top, scale=True)
        importance = _csv_whole(row_problems, row["importance"], "importance", 1, 3)
        if role is not None and skill is not None:
            key = (role["slug"], skill["slug"])
            if skill["slug"] in role["drops"]:
                row_problems.append(
                    f"{key[0]} declares {key[1]} dropped in {label}; a CSV import does not change "
                    "declared drops (remove the declaration in the YAML file or the draft first)"
                )
            if key in first_seen:
                row_problems.append(f"{key[0]} requires {key[1]} already on line {first_seen[key]}")
            first_seen.setdefault(key, line)
        if role is not None and not row_problems:
            update = updates.setdefault(
                role["slug"], {"title": title, "rank": rank, "line": line, "requires": {}}
            )
            if update["title"] != title:
                row_problems.append(
                    f"role {role['slug']!r} has title {title!r} here but "
                    f"{update['title']!r} on line {update['line']}"
                )
            if update["rank"] != rank:
                row_problems.append(
                    f"role {role['slug']!r} has rank {rank} here but "
                    f"{update['rank']} on line {update['line']}"
                )
            update["requires"][skill["slug"]] = [level, importance]
        problems.messages.extend(f"{place}: {message}" for message in row_problems)
    problems.raise_if_any()

    for slug, update in updates.items():
        roles[slug].update(title=update["title"], rank=update["rank"], requires=update["requires"])
    return canonical_order(document)


def _csv_rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the line each starts on."""
    reader = csv.reader(io.StringIO(text))
    rows = []
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
    except csv.Error as error:
        raise InterchangeError([f"{source}:{reader.line_num}: not valid CSV: {error}"]) from None
    return rows


def _csv_whole(
    row_problems: list[str], text: str, name: str, low: int, high: int, *, scale: bool = False
) -> int | None:
    if not re.fullmatch(r"-?[0-9]+", text):
        row_problems.append(f"{name} {text!r} is not a whole number")
        return None
    value = int(text)
    if not low <= value <= high:
        where = f"the scale {low}..{high}" if scale else f"{low}..{high}"
        row_problems.append(f"{name} {value} is outside {where}")
        return None
    return value


def dump_csv(document: MatrixDocument) -> str:
    """Every requirement of the document, one a row under CSV_HEADER, in ladder order."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    skills = {skill["slug"]: skill for skill in document["skills"]}
    for role in document["roles"]:
        for slug, (level, importance) in role["requires"].items():
            skill = skills[slug]
            writer.writerow(
                [
                    role["slug"],
                    role["title"],
                    role["rank"],
                    skill["category"],
                    slug,
                    skill["name"],
                    level,
                    importance,
                ]
            )
    return output.getvalue()
