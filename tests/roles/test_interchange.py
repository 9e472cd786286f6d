"""The matrix interchange format: validation with places, import into drafts, publishing,
dry runs, exports and round trips, through the functions and the two management commands."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import example, given, settings
from hypothesis import strategies as st

import roles
from roles import interchange
from roles.limits import DESCRIPTION_MAX, STATEMENT_MAX
from roles.models import Category, DeclaredDrop, MatrixVersion, Requirement, Role, Skill, Track
from tests.factories import make_ladder

LADDERS = Path(roles.__file__).parent / "ladders"
SHIPPED_LADDERS = sorted(LADDERS.glob("*.yaml"))
SCALE = ["None", "Awareness", "Working", "Practitioner", "Advanced", "Expert"]

# Hand-written so that line numbers in the YAML tests are stable.
SMALL_YAML = """\
track:
  slug: data
  name: Data Engineering
  description: Pipelines and warehouses.
  ready_threshold: 0.9
  close_threshold: 0.75
scale: [None, Awareness, Working, Practitioner, Advanced, Expert]
categories:
  - {slug: technical, name: Technical skills}
  - {slug: soft, name: Soft skills}
skills:
  - slug: python
    name: Python
    category: technical
    levels:
      1: Reads scripts.
      3: Writes packages.
  - slug: sql
    name: SQL
    category: technical
    description: Queries.
  - slug: docker
    name: Docker
    category: technical
  - slug: communication
    name: Communication
    category: soft
roles:
  - slug: junior
    title: Junior Data Engineer
    rank: 1
    requires:
      python: [2, 3]
      sql: [2, 2]
  - slug: senior
    title: Senior Data Engineer
    rank: 2
    summary: Leads the pipelines.
    salary: {min: 100000, max: 150000, currency: USD, year: 2024, source: Survey}
    experience_years: {min: 5, max: 10}
    requires:
      python: [4, 3]
      sql: [3, 2]
      communication: [3, 1]
"""


def small_ladder() -> dict:
    return yaml.safe_load(SMALL_YAML)


def write(tmp_path: Path, data, name: str = "ladder.json") -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    elif name.endswith(".json"):
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def stored() -> dict:
    """Everything an import could write, to prove that a failed one wrote nothing."""
    return {
        "tracks": list(Track.objects.order_by("slug").values_list("slug", "name", "description")),
        "versions": list(
            MatrixVersion.objects.order_by("pk").values_list("pk", "number", "status", "scale")
        ),
        "categories": Category.objects.count(),
        "skills": Skill.objects.count(),
        "roles": Role.objects.count(),
        "requirements": Requirement.objects.count(),
    }


def run_import(path: Path, **options) -> str:
    out = StringIO()
    call_command("import_matrix", str(path), stdout=out, **options)
    return out.getvalue()


def import_lines(output: str) -> list[str]:
    """What an import printed about the import itself, without the ladder check after it."""
    lines = output.splitlines()
    return lines[: next(i for i, line in enumerate(lines) if line.startswith("Ladder check"))]


def run_export(track: str, **options) -> str:
    out = StringIO()
    call_command("export_matrix", track, stdout=out, **options)
    return out.getvalue()


def failed_import(path: Path, **options) -> list[str]:
    """The problem lines of an import that must fail and write nothing."""
    before = stored()
    with pytest.raises(CommandError) as raised:
        run_import(path, **options)
    assert stored() == before
    heading, *problems = str(raised.value).splitlines()
    assert heading.endswith("nothing was imported.")
    return problems


def version_snapshot(version: MatrixVersion) -> dict:
    version.refresh_from_db()
    return {
        "row": (version.status, version.content_hash, version.scale, version.published_at),
        "document": interchange.export_version(version),
        "categories": list(version.categories.order_by("pk").values()),
        "skills": list(version.skills.order_by("pk").values()),
        "roles": list(version.roles.order_by("pk").values()),
        "requirements": list(
            Requirement.objects.filter(role__version=version).order_by("pk").values()
        ),
    }


@pytest.fixture
def published(tmp_path) -> MatrixVersion:
    """The small ladder imported and published as data v1."""
    run_import(write(tmp_path, SMALL_YAML, "data.yaml"), publish=True)
    return MatrixVersion.objects.get(track__slug="data", number=1)


# ---------------------------------------------------------------------------------------------
# Validation: every problem with its place, and nothing written


def _set(path, value):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path):
    def mutate(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


INVALID_FILES = {
    "level-outside-scale": (
        _set(("roles", 1, "requires", "python"), [7, 3]),
        "roles[1].requires.python: level 7 is outside the scale 1..5",
    ),
    "level-zero": (
        _set(("roles", 0, "requires", "sql"), [0, 2]),
        "roles[0].requires.sql: level 0 is outside the scale 1..5",
    ),
    "importance-outside-1-to-3": (
        _set(("roles", 0, "requires", "python"), [2, 4]),
        "roles[0].requires.python: importance 4 is outside 1..3 "
        "(1 nice to have, 2 important, 3 essential)",
    ),
    "unknown-category": (
        _set(("skills", 3, "category"), "foo"),
        "skills[3].category: unknown category 'foo'",
    ),
    "duplicate-skill-slug": (
        _set(("skills", 2, "slug"), "python"),
        "skills[2].slug: duplicate slug 'python' (first at skills[0])",
    ),
    "duplicate-role-slug": (
        _set(("roles", 1, "slug"), "junior"),
        "roles[1].slug: duplicate slug 'junior' (first at roles[0])",
    ),
    "unknown-skill": (
        _set(("roles", 1, "requires", "pyton"), [1, 1]),
        "roles[1].requires.pyton: unknown skill 'pyton' (did you mean 'python'?)",
    ),
    "text-where-a-number-is-required": (
        _set(("roles", 1, "rank"), "2"),
        "roles[1].rank: expected a whole number for rank, got the text '2'",
    ),
    "fraction-as-level": (
        _set(("roles", 0, "requires", "python"), [2.5, 3]),
        "roles[0].requires.python: level: expected a whole number, got the number 2.5",
    ),
    "list-where-a-mapping-is-required": (
        _set(("track",), ["data", "Data Engineering"]),
        "track: expected a mapping, got a list",
    ),
    "mapping-where-a-requirement-pair-is-required": (
        _set(("roles", 0, "requires", "python"), {"level": 2, "importance": 3}),
        "roles[0].requires.python: expected [level, importance], got a mapping",
    ),
    "requirement-with-three-numbers": (
        _set(("roles", 0, "requires", "python"), [2, 3, 1]),
        "roles[0].requires.python: expected [level, importance], got a list of 3",
    ),
    "missing-required-key": (
        _delete(("roles", 0, "title")),
        "roles[0]: missing required key 'title'",
    ),
    "missing-top-level-key": (
        _delete(("scale",)),
        "missing required key 'scale'",
    ),
    "unknown-top-level-key": (
        _set(("rolse",), []),
        "unknown key 'rolse' (did you mean 'roles'?)",
    ),
    "unknown-nested-key": (
        _set(("roles", 0, "titel"), "Junior"),
        "roles[0]: unknown key 'titel' (did you mean 'title'?)",
    ),
    "bad-slug": (
        _set(("categories", 1, "slug"), "Soft_Skills"),
        "categories[1].slug: 'Soft_Skills' is not a valid slug "
        "(use lowercase letters, digits and single hyphens)",
    ),
    "bad-track-slug": (
        _set(("track", "slug"), "data--eng"),
        "track.slug: 'data--eng' is not a valid slug "
        "(use lowercase letters, digits and single hyphens)",
    ),
    "scale-too-short": (
        _set(("scale",), ["None", "Some", "All"]),
        "scale: has 3 level names; a scale needs 4 to 8 (levels 0..3 to 0..7)",
    ),
    "scale-too-long": (
        _set(("scale",), [f"L{n}" for n in range(9)]),
        "scale: has 9 level names; a scale needs 4 to 8 (levels 0..3 to 0..7)",
    ),
    "duplicate-scale-name": (
        _set(("scale", 3), "Working"),
        "scale[3]: duplicate level name 'Working' (first at scale[2])",
    ),
    "ready-threshold-above-1": (
        _set(("track", "ready_threshold"), 1.5),
        "track.ready_threshold: 1.5 is outside (0, 1]",
    ),
    "ready-threshold-zero": (
        _set(("track", "ready_threshold"), 0),
        "track.ready_threshold: 0 is outside (0, 1]",
    ),
    "negative-close-threshold": (
        _set(("track", "close_threshold"), -0.1),
        "track.close_threshold: -0.1 is outside [0, 1]",
    ),
    "close-threshold-above-ready": (
        _set(("track", "close_threshold"), 0.95),
        "track.close_threshold: 0.95 is above ready_threshold 0.9",
    ),
    "threshold-with-five-decimals": (
        _set(("track", "ready_threshold"), 0.12345),
        "track.ready_threshold: 0.12345 has more than 4 decimal places",
    ),
    "threshold-as-text": (
        _set(("track", "ready_threshold"), "0.9"),
        "track.ready_threshold: expected a number between 0 and 1, got the text '0.9'",
    ),
    "salary-min-above-max": (
        _set(("roles", 1, "salary", "max"), 90000),
        "roles[1].salary: min 100000 is above max 90000",
    ),
    "negative-salary": (
        _set(("roles", 1, "salary", "min"), -5),
        "roles[1].salary.min: min -5 must not be negative",
    ),
    "negative-experience": (
        _set(("roles", 1, "experience_years", "min"), -1),
        "roles[1].experience_years.min: min -1 must not be negative",
    ),
    "experience-min-above-max": (
        _set(("roles", 1, "experience_years", "min"), 12),
        "roles[1].experience_years: min 12 is above max 10",
    ),
    "bad-currency": (
        _set(("roles", 1, "salary", "currency"), "dollars"),
        "roles[1].salary.currency: 'dollars' is not a three-letter code like USD",
    ),
    "rank-zero": (
        _set(("roles", 0, "rank"), 0),
        "roles[0].rank: rank 0 must be at least 1",
    ),
    "levels-key-outside-scale": (
        _set(("skills", 0, "levels", "9"), "Invents Python."),
        "skills[0].levels.9: level 9 is outside the scale 1..5",
    ),
    "levels-key-not-a-number": (
        _set(("skills", 0, "levels", "one"), "Reads."),
        "skills[0].levels.one: level keys are whole numbers 1..5",
    ),
    "levels-as-a-list": (
        _set(("skills", 0, "levels"), ["Reads.", "Writes."]),
        "skills[0].levels: expected a mapping, got a list",
    ),
    "over-long-name": (
        _set(("skills", 1, "name"), "S" * 201),
        "skills[1].name: is 201 characters long; the limit is 200",
    ),
    "over-long-title": (
        _set(("roles", 0, "title"), "T" * 201),
        "roles[0].title: is 201 characters long; the limit is 200",
    ),
    "over-long-slug": (
        _set(("categories", 1, "slug"), "s" * 81),
        "categories[1].slug: is 81 characters long; the limit is 80",
    ),
    "over-long-salary-source": (
        _set(("roles", 1, "salary", "source"), "x" * 301),
        "roles[1].salary.source: is 301 characters long; the limit is 300",
    ),
    "empty-name": (
        _set(("skills", 1, "name"), "  "),
        "skills[1].name: must not be empty",
    ),
    "null-name": (
        _set(("skills", 1, "name"), None),
        "skills[1].name: expected text, got null",
    ),
    "number-where-text-is-required": (
        _set(("roles", 0, "title"), 42),
        "roles[0].title: expected text, got the number 42 (put it in quotes to use it as text)",
    ),
    "no-roles": (
        _set(("roles",), []),
        "roles: must list at least one of the roles",
    ),
    "skills-as-a-mapping": (
        _set(("skills",), {"python": "Python"}),
        "skills: expected a list of skills, got a mapping",
    ),
    "drops-as-a-mapping": (
        _set(("roles", 1, "drops"), {"docker": "The team does it."}),
        "roles[1].drops: expected a list of {skills, reason} entries, got a mapping",
    ),
    "drop-of-an-unknown-skill": (
        _set(("roles", 1, "drops"), [{"skills": ["dokcer"], "reason": "The team does it."}]),
        "roles[1].drops[0].skills[0]: unknown skill 'dokcer' (did you mean 'docker'?)",
    ),
    "drop-of-a-required-skill": (
        _set(("roles", 1, "drops"), [{"skills": ["docker", "sql"], "reason": "Not needed."}]),
        "roles[1].drops[0].skills[1]: the role requires 'sql': a required skill is not dropped",
    ),
    "drop-declared-twice": (
        _set(
            ("roles", 1, "drops"),
            [{"skills": ["docker"], "reason": "One."}, {"skills": ["docker"], "reason": "Two."}],
        ),
        "roles[1].drops[1].skills[0]: 'docker' is declared dropped twice "
        "(first at roles[1].drops[0].skills[0])",
    ),
    "drop-without-a-reason": (
        _set(("roles", 1, "drops"), [{"skills": ["docker"]}]),
        "roles[1].drops[0]: missing required key 'reason'",
    ),
    "drop-with-an-empty-reason": (
        _set(("roles", 1, "drops"), [{"skills": ["docker"], "reason": " "}]),
        "roles[1].drops[0].reason: must not be empty",
    ),
    "drop-with-an-over-long-reason": (
        _set(("roles", 1, "drops"), [{"skills": ["docker"], "reason": "r" * 301}]),
        "roles[1].drops[0].reason: is 301 characters long; the limit is 300",
    ),
    "drop-of-no-skills": (
        _set(("roles", 1, "drops"), [{"skills": [], "reason": "Nothing."}]),
        "roles[1].drops[0].skills: expected a list of skill slugs, got an empty list",
    ),
    "drop-with-a-misspelt-key": (
        _set(("roles", 1, "drops"), [{"skill": ["docker"], "reason": "The team does it."}]),
        "roles[1].drops[0]: unknown key 'skill' (did you mean 'skills'?)",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("mutate, expected", INVALID_FILES.values(), ids=INVALID_FILES.keys())
def test_it_rejects_an_invalid_file_and_writes_nothing(tmp_path, published, mutate, expected):
    data = small_ladder()
    mutate(data)

    problems = failed_import(write(tmp_path, data, "data.json"), publish=True)

    assert f"data.json: {expected}" in problems


@pytest.mark.django_db
def test_it_rejects_level_outside_scale_of_a_new_track(tmp_path):
    data = small_ladder()
    data["roles"][1]["requires"]["python"] = [7, 3]

    problems = failed_import(write(tmp_path, data, "data.json"))

    assert problems == ["data.json: roles[1].requires.python: level 7 is outside the scale 1..5"]


@pytest.mark.django_db
def test_it_reports_every_problem_of_a_file_at_once(tmp_path, published):
    data = small_ladder()
    data["roles"][1]["requires"]["python"] = [7, 3]
    data["skills"][3]["category"] = "foo"
    data["skills"][2]["slug"] = "python"
    data["roles"][0]["requires"]["pyton"] = [1, 1]
    data["track"]["close_threshold"] = 0.95

    with pytest.raises(CommandError) as raised:
        run_import(write(tmp_path, data, "data.json"))

    assert str(raised.value).splitlines() == [
        "5 problems; nothing was imported.",
        "data.json: track.close_threshold: 0.95 is above ready_threshold 0.9",
        "data.json: skills[2].slug: duplicate slug 'python' (first at skills[0])",
        "data.json: skills[3].category: unknown category 'foo'",
        "data.json: roles[0].requires.pyton: unknown skill 'pyton' (did you mean 'python'?)",
        "data.json: roles[1].requires.python: level 7 is outside the scale 1..5",
    ]


YAML_PROBLEMS = {
    "boolean-for-text": (
        ("name: Data Engineering", "name: yes"),
        "data.yaml:3: track.name: expected text, got the boolean true "
        "(put it in quotes to use it as text)",
    ),
    "date-for-text": (
        ("name: SQL", "name: 2024-01-01"),
        "data.yaml:19: skills[1].name: expected text, got the date 2024-01-01 "
        "(put it in quotes to use it as text)",
    ),
    "key-given-twice": (
        ("      sql: [2, 2]\n", "      sql: [2, 2]\n      python: [3, 3]\n"),
        "data.yaml:33: roles[0].requires: key 'python' is given more than once (again on line 35)",
    ),
    "level-outside-scale-with-its-line": (
        ("python: [4, 3]", "python: [7, 3]"),
        "data.yaml:42: roles[1].requires.python: level 7 is outside the scale 1..5",
    ),
    "unknown-key-with-its-line": (
        ("    summary: Leads", "    sumary: Leads"),
        "data.yaml:38: roles[1]: unknown key 'sumary' (did you mean 'summary'?)",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("edit, expected", YAML_PROBLEMS.values(), ids=YAML_PROBLEMS.keys())
def test_it_rejects_yaml_problems_with_their_line(tmp_path, published, edit, expected):
    old, new = edit
    assert old in SMALL_YAML

    problems = failed_import(write(tmp_path, SMALL_YAML.replace(old, new, 1), "data.yaml"))

    assert expected in problems


UNREADABLE_FILES = {
    "not-yaml": ("data.yaml", "track: [data\nscale: {", "data.yaml:2: not valid YAML: "),
    "empty-yaml": ("data.yaml", "", "data.yaml: the file is empty"),
    "only-comments": ("data.yaml", "# nothing yet\n", "data.yaml: the file is empty"),
    "yaml-not-a-mapping": (
        "data.yaml",
        "- python\n- sql\n",
        "data.yaml: expected a mapping with the keys track, scale, categories, skills, roles; "
        "got a list",
    ),
    "impossible-date": ("data.yaml", "track: 2024-02-30\n", "data.yaml: not valid YAML: "),
    "not-json": ("data.json", '{"track": ', "data.json:1: not valid JSON: "),
    "empty-json": ("data.json", "  \n", "data.json: the file is empty"),
    "json-key-given-twice": (
        "data.json",
        json.dumps(small_ladder()).replace('"rank": 1', '"rank": 1, "rank": 2'),
        "data.json: roles[0]: key 'rank' is given more than once",
    ),
    "unknown-extension": (
        "data.txt",
        SMALL_YAML,
        "data.txt: unknown file type '.txt'; use .yaml, .yml, .json or .csv",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name, text, expected", UNREADABLE_FILES.values(), ids=UNREADABLE_FILES)
def test_it_rejects_a_file_it_cannot_read(tmp_path, published, name, text, expected):
    problems = failed_import(write(tmp_path, text, name))

    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.django_db
def test_it_rejects_a_file_that_is_not_utf8(tmp_path, published):
    path = tmp_path / "data.yaml"
    path.write_bytes(SMALL_YAML.replace("Pipelines", "Pipe\xe9lines").encode("latin-1"))

    problems = failed_import(path)

    assert problems == ["data.yaml:4: not UTF-8 text (byte 64 is 0xe9)"]


@pytest.mark.django_db
def test_it_says_clearly_when_the_file_is_missing(tmp_path, published):
    missing = tmp_path / "nowhere.yaml"

    assert failed_import(missing) == [f"{missing}: no such file"]


@pytest.mark.django_db
def test_it_refuses_a_yaml_file_for_another_track_than_named(tmp_path, published):
    problems = failed_import(write(tmp_path, SMALL_YAML, "data.yaml"), track="mlops")

    assert problems == ["data.yaml: track.slug: the file is for track 'data', not 'mlops'"]


# ---------------------------------------------------------------------------------------------
# Importing: versions, drafts, publishing


@pytest.mark.django_db
def test_it_imports_a_new_track_as_a_draft(tmp_path):
    output = run_import(write(tmp_path, SMALL_YAML, "data.yaml"))

    version = MatrixVersion.objects.get()
    assert (version.track.slug, version.number, version.status) == ("data", 1, "draft")
    assert version.track.name == "Data Engineering"
    assert version.scale == SCALE
    assert [c.slug for c in version.categories.order_by("position")] == ["technical", "soft"]
    python = version.skills.get(slug="python")
    assert python.levels == {"1": "Reads scripts.", "3": "Writes packages."}
    senior = version.roles.get(slug="senior")
    assert (senior.salary_min, senior.salary_max, senior.salary_currency) == (100000, 150000, "USD")
    assert (senior.experience_min, senior.experience_max) == (5, 10)
    required = senior.requirements.get(skill__slug="python")
    assert (required.level, required.importance) == (4, 3)
    assert import_lines(output) == [
        "Created data v1 (draft).",
        "data v1 (draft): 2 categories, 4 skills, 2 roles, 5 requirements.",
        "A new track: everything is new.",
    ]


@pytest.mark.django_db
def test_publish_publishes_the_imported_version(tmp_path):
    output = run_import(write(tmp_path, SMALL_YAML, "data.yaml"), publish=True)

    version = MatrixVersion.objects.get()
    assert version.is_published
    assert version.content_hash == interchange.content_hash(version)
    assert output.startswith("Created and published data v1.\n")


@pytest.mark.django_db
def test_identical_import_creates_nothing(tmp_path, published):
    before = stored()

    output = run_import(write(tmp_path, SMALL_YAML, "again.yaml"))

    assert stored() == before
    assert output.splitlines()[0] == "No changes: data v1 already has this content."


@pytest.mark.django_db
def test_importing_twice_with_publish_creates_exactly_one_version(tmp_path):
    path = write(tmp_path, SMALL_YAML, "data.yaml")

    run_import(path, publish=True)
    output = run_import(path, publish=True)

    assert list(MatrixVersion.objects.values_list("number", "status")) == [(1, "published")]
    assert output.startswith("No changes: data v1 already has this content.")


@pytest.mark.django_db
def test_the_same_content_in_another_order_of_keys_and_requirements_is_identical(
    tmp_path, published
):
    data = small_ladder()
    data["roles"][1]["requires"] = dict(reversed(data["roles"][1]["requires"].items()))
    data["skills"][0]["levels"] = {"3": "Writes packages.", "1": "  Reads scripts. "}
    data["roles"].reverse()
    data["track"] = dict(reversed(data["track"].items()))

    output = run_import(write(tmp_path, data, "data.json"))

    assert output.startswith("No changes: data v1 already has this content.")
    assert MatrixVersion.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_import_creates_a_v2_draft_and_leaves_v1_as_it_was(tmp_path, published):
    v1 = version_snapshot(published)
    data = small_ladder()
    data["roles"][0]["requires"]["python"] = [3, 3]

    output = run_import(write(tmp_path, data, "data.json"))

    assert version_snapshot(published) == v1
    assert published.content_hash == interchange.document_hash(v1["document"])
    v2 = MatrixVersion.objects.get(number=2)
    assert v2.status == "draft"
    assert v2.roles.get(slug="junior").requirements.get(skill__slug="python").level == 3
    assert import_lines(output) == [
        "Created data v2 (draft).",
        "data v2 (draft): 2 categories, 4 skills, 2 roles, 5 requirements.",
        "Changes against v1 (published):",
        "  ~ requirement junior/python: [2, 3] -> [3, 3]",
    ]


@pytest.mark.django_db
def test_a_second_changed_import_replaces_the_content_of_the_draft(tmp_path, published):
    data = small_ladder()
    data["roles"][0]["requires"]["python"] = [3, 3]
    run_import(write(tmp_path, data, "first.json"))
    data["skills"].append({"slug": "spark", "name": "Spark", "category": "technical"})
    data["roles"][1]["requires"]["spark"] = [2, 1]

    output = run_import(write(tmp_path, data, "second.json"))

    assert list(MatrixVersion.objects.order_by("number").values_list("number", "status")) == [
        (1, "published"),
        (2, "draft"),
    ]
    draft = MatrixVersion.objects.get(number=2)
    assert interchange.export_version(draft) == interchange.parse_document(
        json.dumps(data), "second.json", "json"
    )
    assert sorted(draft.skills.values_list("slug", flat=True)) == [
        "communication",
        "docker",
        "python",
        "spark",
        "sql",
    ]
    assert output.splitlines()[0] == "Replaced the content of the draft data v2."
    assert "  + skill spark: in technical" in output.splitlines()
    assert "  + requirement senior/spark: [2, 1]" in output.splitlines()


@pytest.mark.django_db
def test_it_publishes_a_draft_that_already_has_the_content(tmp_path, published):
    data = small_ladder()
    data["roles"][0]["requires"]["python"] = [3, 3]
    path = write(tmp_path, data, "data.json")
    run_import(path)

    output = run_import(path, publish=True)

    assert list(MatrixVersion.objects.order_by("number").values_list("number", "status")) == [
        (1, "published"),
        (2, "published"),
    ]
    assert output.startswith("Published data v2: the draft already had this content.")


@pytest.mark.django_db
def test_a_file_equal_to_the_published_version_leaves_a_different_draft_alone(tmp_path, published):
    data = small_ladder()
    data["roles"][0]["requires"]["python"] = [3, 3]
    run_import(write(tmp_path, data, "data.json"))
    draft = MatrixVersion.objects.get(number=2)
    draft_before = version_snapshot(draft)

    output = run_import(write(tmp_path, SMALL_YAML, "data.yaml"), publish=True)

    assert version_snapshot(draft) == draft_before
    assert import_lines(output)[:2] == [
        "No changes: data v1 already has this content.",
        "The draft v2 differs from this file and was left as it is.",
    ]


@pytest.mark.django_db
def test_it_updates_the_track_name_without_a_new_version(tmp_path, published):
    data = small_ladder()
    data["track"]["name"] = "Data Platform Engineering"

    output = run_import(write(tmp_path, data, "data.json"))

    assert MatrixVersion.objects.count() == 1
    assert Track.objects.get().name == "Data Platform Engineering"
    assert import_lines(output)[:2] == [
        "No changes: data v1 already has this content.",
        "Updated the track's name: 'Data Engineering' -> 'Data Platform Engineering'.",
    ]


@pytest.mark.django_db
def test_a_scale_and_threshold_change_is_a_new_version(tmp_path, published):
    data = small_ladder()
    data["scale"] = ["None", "Aware", "Able", "Fluent"]
    data["roles"][1]["requires"]["python"] = [3, 3]
    data["skills"][0]["levels"] = {1: "Reads scripts."}
    data["track"]["ready_threshold"] = 0.85

    output = run_import(write(tmp_path, data, "data.json"), publish=True)

    v2 = MatrixVersion.objects.get(number=2)
    assert v2.is_published
    assert v2.scale == ["None", "Aware", "Able", "Fluent"]
    assert str(v2.ready_threshold) == "0.8500"
    lines = output.splitlines()
    assert (
        "  ~ scale: [None, Awareness, Working, Practitioner, Advanced, Expert] -> "
        "[None, Aware, Able, Fluent]"
    ) in lines
    assert "  ~ threshold ready_threshold: 0.9 -> 0.85" in lines
    assert "  ~ skill python: level statement 3" in lines


# ---------------------------------------------------------------------------------------------
# Dry run and diff


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_prints_the_changes(tmp_path, published):
    data = small_ladder()
    data["roles"][0]["requires"]["python"] = [3, 2]
    del data["roles"][0]["requires"]["sql"]
    data["roles"][0]["requires"]["docker"] = [1, 1]
    data["roles"][1]["title"] = "Senior Data Engineer II"
    data["skills"][1]["description"] = "Joins and windows."
    data["skills"].append({"slug": "kafka", "name": "Kafka", "category": "technical"})
    data["roles"].append(
        {"slug": "lead", "title": "Lead", "rank": 3, "requires": {"kafka": [3, 3]}}
    )
    before = stored()

    output = run_import(write(tmp_path, data, "data.json"), dry_run=True, publish=True)

    assert stored() == before
    assert import_lines(output) == [
        "Dry run: nothing was written.",
        "Would create and publish data v2.",
        "data v2 (published): 2 categories, 5 skills, 3 roles, 6 requirements.",
        "Changes against v1 (published):",
        "  + skill kafka: in technical",
        "  ~ skill sql: description",
        "  + role lead: rank 3, 1 requirement",
        "  ~ role senior: title 'Senior Data Engineer' -> 'Senior Data Engineer II'",
        "  ~ requirement junior/python: [2, 3] -> [3, 2]",
        "  + requirement junior/docker: [1, 1]",
        "  - requirement junior/sql: [2, 2]",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_prints_the_ladder_check_and_is_not_refused_by_it(tmp_path, dry_run):
    data = small_ladder()
    del data["roles"][1]["requires"]["sql"]  # a hole: the senior forgets the junior's SQL

    output = run_import(write(tmp_path, data, "data.json"), dry_run=dry_run)

    check = output.splitlines()[len(import_lines(output)) :]
    assert check[0] == "Ladder check (docs/coherence.md): 2 errors, 5 warnings, 1 note."
    assert (
        "  error hole [junior -> senior: sql 2 -> 0]: Junior Data Engineer requires SQL at "
        "Working (2); Senior Data Engineer, the next rung, does not require it: require it, or "
        "declare the drop."
    ) in check
    assert "  warning unused-skill [docker]: No role requires Docker: people rate it and no " in (
        "\n".join(check)
    )
    assert MatrixVersion.objects.exists() is not dry_run
    # Notes (what no ladder can promise) wait for -v 2 or lint_ladder, so errors stand out.
    assert not any(line.startswith("  note ") for line in check)
    assert check[-1] == "  Notes: manage.py lint_ladder data (or -v 2) shows them."


@pytest.mark.django_db
def test_an_import_at_verbosity_2_prints_the_ladder_check_notes_too(tmp_path):
    data = small_ladder()
    del data["roles"][1]["requires"]["sql"]  # as above: 2 errors, 5 warnings, 1 note

    output = run_import(write(tmp_path, data, "data.json"), verbosity=2)

    check = output.splitlines()[len(import_lines(output)) :]
    notes = [line for line in check if line.startswith("  note ")]
    assert len(notes) == 1
    assert not any(line.startswith("  Notes:") for line in check)


@pytest.mark.django_db
def test_dry_run_of_a_new_track_writes_nothing(tmp_path):
    output = run_import(write(tmp_path, SMALL_YAML, "data.yaml"), dry_run=True)

    assert stored()["tracks"] == []
    assert stored()["versions"] == []
    assert import_lines(output)[:2] == [
        "Dry run: nothing was written.",
        "Would create data v1 (draft).",
    ]


def _document(data: dict) -> dict:
    return interchange.validate_document(copy.deepcopy(data), "test")


def test_diff_reports_order_changes_but_not_moves_between_ranks():
    old = small_ladder()
    new = copy.deepcopy(old)
    new["roles"][0]["rank"] = 3  # junior now sorts after senior: a rank change, not a reorder
    new["skills"][0], new["skills"][1] = new["skills"][1], new["skills"][0]

    changes = interchange.diff(_document(old), _document(new))

    assert changes.lines() == [
        "~ order of skills in technical: sql, python, docker",
        "~ role junior: rank 1 -> 3",
    ]


def test_diff_of_identical_documents_is_empty():
    assert interchange.diff(_document(small_ladder()), _document(small_ladder())).is_empty


def test_diff_lists_removed_categories_and_salary_changes():
    old = small_ladder()
    new = copy.deepcopy(old)
    new["categories"].pop()
    new["skills"].pop()
    del new["roles"][1]["requires"]["communication"]
    new["roles"][1]["salary"]["max"] = 160000

    changes = interchange.diff(_document(old), _document(new))

    assert changes.lines() == [
        "- category soft",
        "- skill communication",
        "~ role senior: salary (max 150000 -> 160000)",
        "- requirement senior/communication: [3, 1]",
    ]


def test_diff_lists_declared_drops_added_removed_and_given_another_reason():
    old = small_ladder()
    old["roles"][0]["requires"]["docker"] = [1, 1]
    old["roles"][1]["drops"] = [{"skills": ["docker"], "reason": "The platform team does it."}]
    new = copy.deepcopy(old)
    new["roles"][1]["drops"] = [{"skills": ["docker"], "reason": "Not assessed."}]
    del new["roles"][1]["requires"]["communication"]
    new["roles"][1]["drops"].append({"skills": ["communication"], "reason": "Not assessed."})
    new["roles"].append(
        {
            "slug": "lead",
            "title": "Lead",
            "rank": 3,
            "requires": {"python": [4, 3]},
            "drops": [{"skills": ["sql"], "reason": "The analysts do it."}],
        }
    )

    changes = interchange.diff(_document(old), _document(new))

    assert changes.lines() == [
        "+ role lead: rank 3, 1 requirement, 1 declared drop",
        "- requirement senior/communication: [3, 1]",
        "~ drop senior/docker: 'The platform team does it.' -> 'Not assessed.'",
        "+ drop senior/communication: 'Not assessed.'",
    ]
    assert interchange.diff(_document(new), _document(old)).lines()[-1] == (
        "- drop senior/communication: 'Not assessed.'"
    )


def test_a_ladder_without_drops_keeps_the_content_hash_it_had_before_drops_existed():
    # The hash of SMALL_YAML's content, as versions published before declared drops were
    # part of the format stored it.
    assert interchange.document_hash(_document(small_ladder())) == (
        "34f131586680f9efa80222192cbafcb00d121f48565c9649517d6e4f73e1636e"
    )
    with_drop = small_ladder()
    with_drop["roles"][1]["drops"] = [{"skills": ["docker"], "reason": "The team does it."}]
    assert interchange.document_hash(_document(with_drop)) != (
        "34f131586680f9efa80222192cbafcb00d121f48565c9649517d6e4f73e1636e"
    )


# ---------------------------------------------------------------------------------------------
# Content hash and export


@pytest.mark.django_db
def test_content_hash_is_the_published_hash_and_ignores_the_track_name(published):
    original = interchange.content_hash(published)
    Track.objects.filter(pk=published.track_id).update(name="Renamed", description="Other")

    assert interchange.content_hash(published) == original == published.content_hash
    assert len(original) == 64


@pytest.mark.django_db
def test_content_hash_changes_with_a_level_statement(tmp_path, published):
    data = small_ladder()
    data["skills"][0]["levels"][3] = "Writes and publishes packages."
    run_import(write(tmp_path, data, "data.json"))

    draft = MatrixVersion.objects.get(number=2)

    assert interchange.content_hash(draft) != published.content_hash


@pytest.mark.django_db
def test_export_uses_the_same_number_of_queries_whatever_the_size(django_assert_num_queries):
    small = make_ladder(skills=4, roles=2)
    large = make_ladder(skills=40, roles=6)
    small = MatrixVersion.objects.get(pk=small.pk)
    large = MatrixVersion.objects.get(pk=large.pk)

    with django_assert_num_queries(6):
        interchange.export_version(small)
    with django_assert_num_queries(6):
        document = interchange.export_version(large)

    assert len(document["skills"]) == 40
    assert sum(len(role["requires"]) for role in document["roles"]) == 240


def _ladder_of(skills: int, roles: int, slug: str) -> dict:
    data = small_ladder()
    data["track"]["slug"] = slug
    data["skills"] = [
        {"slug": f"skill-{n}", "name": f"Skill {n}", "category": "technical", "levels": {1: "x"}}
        for n in range(skills)
    ]
    # Above the first rung, every fourth skill is declared dropped instead of required.
    data["roles"] = [
        {
            "slug": f"role-{r}",
            "title": f"Role {r}",
            "rank": r + 1,
            "requires": {
                f"skill-{n}": [1 + r % 5, 1 + n % 3] for n in range(skills) if r == 0 or n % 4 != 0
            },
            "drops": [{"skills": [f"skill-{n}" for n in range(0, skills, 4)], "reason": "x"}]
            if r
            else [],
        }
        for r in range(roles)
    ]
    return _document(data)


@pytest.mark.django_db
def test_import_uses_the_same_number_of_queries_whatever_the_size():
    small, large = _ladder_of(4, 2, "small"), _ladder_of(40, 6, "large")
    interchange.import_document(_ladder_of(4, 2, "warm-up"), publish=True)

    with CaptureQueriesContext(connection) as small_queries:
        interchange.import_document(small, publish=True)
    with CaptureQueriesContext(connection) as large_queries:
        interchange.import_document(large, publish=True)

    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)
    assert Requirement.objects.filter(role__version__track__slug="large").count() == 40 + 5 * 30
    assert DeclaredDrop.objects.filter(role__version__track__slug="large").count() == 5 * 10


@pytest.mark.django_db
def test_export_command_writes_the_current_version_as_yaml(published):
    output = run_export("data")

    assert output == interchange.dump(interchange.export_version(published), "yaml")
    assert yaml.safe_load(output)["roles"][0]["requires"] == {"python": [2, 3], "sql": [2, 2]}
    assert "  - slug: python\n" in output
    assert "      python: [2, 3]\n" in output


@pytest.mark.django_db
def test_export_command_writes_json_and_csv(published):
    as_json = json.loads(run_export("data", format="json"))
    as_csv = run_export("data", format="csv")

    assert as_json["track"] == {
        "slug": "data",
        "name": "Data Engineering",
        "description": "Pipelines and warehouses.",
        "ready_threshold": 0.9,
        "close_threshold": 0.75,
    }
    assert as_json["skills"][0]["levels"] == {"1": "Reads scripts.", "3": "Writes packages."}
    assert as_csv.splitlines() == [
        "role,role_title,rank,category,skill,skill_name,level,importance",
        "junior,Junior Data Engineer,1,technical,python,Python,2,3",
        "junior,Junior Data Engineer,1,technical,sql,SQL,2,2",
        "senior,Senior Data Engineer,2,technical,python,Python,4,3",
        "senior,Senior Data Engineer,2,technical,sql,SQL,3,2",
        "senior,Senior Data Engineer,2,soft,communication,Communication,3,1",
    ]


@pytest.mark.django_db
def test_export_command_exports_a_draft_by_number_to_a_file(tmp_path, published):
    data = small_ladder()
    data["roles"][0]["requires"]["python"] = [3, 3]
    run_import(write(tmp_path, data, "data.json"))
    target = tmp_path / "out" / "v2.yaml"
    target.parent.mkdir()

    message = run_export("data", version=2, output=str(target))

    assert message.strip() == f"Wrote data v2 (draft) as yaml to {target}."
    assert yaml.safe_load(target.read_text("utf-8"))["roles"][0]["requires"]["python"] == [3, 3]
    assert yaml.safe_load(run_export("data"))["roles"][0]["requires"]["python"] == [2, 3]


@pytest.mark.django_db
def test_export_command_rejects_unknown_tracks_and_versions(published):
    with pytest.raises(CommandError, match=r"Unknown track 'nope'\. Known tracks: data\."):
        run_export("nope")
    with pytest.raises(CommandError, match=r"Track 'data' has no version 7 \(versions: v1"):
        run_export("data", version=7)


@pytest.mark.django_db
def test_export_command_needs_a_version_number_for_a_track_with_only_a_draft(tmp_path):
    run_import(write(tmp_path, SMALL_YAML, "data.yaml"))

    with pytest.raises(CommandError, match="use --version N to export a draft"):
        run_export("data")
    assert yaml.safe_load(run_export("data", version=1))["track"]["slug"] == "data"


# ---------------------------------------------------------------------------------------------
# Round trips


def assert_round_trip(source_document: dict, fmt: str) -> None:
    """Import, export, import the export into a fresh database: the same export again, learning
    resources included; and importing it back creates nothing. Leaves the database as it
    found it."""
    slug = source_document["track"]["slug"]
    assert not Track.objects.filter(slug=slug).exists()
    with transaction.atomic():
        with transaction.atomic():
            interchange.import_document(source_document, publish=True)
            first = MatrixVersion.objects.get(track__slug=slug)
            assert interchange.export_version(first, resources=True) == source_document
            exported = interchange.dump(interchange.export_version(first, resources=True), fmt)
            transaction.set_rollback(True)  # the database is fresh again below
        assert not Track.objects.filter(slug=slug).exists()

        interchange.import_document(
            interchange.parse_document(exported, f"export.{fmt}", fmt), publish=True
        )
        version = MatrixVersion.objects.get(track__slug=slug)
        assert (
            interchange.dump(interchange.export_version(version, resources=True), fmt) == exported
        )
        assert interchange.export_version(version, resources=True) == source_document

        again = interchange.import_document(
            interchange.parse_document(exported, f"export.{fmt}", fmt), publish=True
        )
        assert again.outcome == interchange.UNCHANGED
        assert MatrixVersion.objects.filter(track__slug=slug).count() == 1
        transaction.set_rollback(True)


def test_the_shipped_mlops_ladder_exists():
    assert LADDERS / "mlops.yaml" in SHIPPED_LADDERS


@pytest.mark.django_db
@pytest.mark.parametrize("ladder", SHIPPED_LADDERS, ids=lambda path: path.name)
def test_every_shipped_ladder_round_trips_through_the_commands(tmp_path, ladder):
    with transaction.atomic():
        run_import(ladder, publish=True)
        exported = tmp_path / ladder.name
        run_export(ladder.stem, output=str(exported))
        transaction.set_rollback(True)
    assert not Track.objects.exists()

    run_import(exported, publish=True)
    assert run_export(ladder.stem) == exported.read_text("utf-8")
    assert run_import(ladder, publish=True).startswith(
        f"No changes: {ladder.stem} v1 already has this content."
    )
    assert MatrixVersion.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("ladder", SHIPPED_LADDERS, ids=lambda path: path.name)
def test_every_shipped_ladder_round_trips_exactly(ladder, fmt):
    assert_round_trip(interchange.read_document(ladder), fmt)


# As long as a description may be (2,000 characters), and a level statement (500).
LONG_STATEMENT = (
    ("Leads the Développement — 日本語 ✓ practice: " + "designs, reviews and teaches; " * 80)[
        :DESCRIPTION_MAX
    ]
).strip()
LONG_LEVEL_STATEMENT = LONG_STATEMENT[: STATEMENT_MAX - 4].strip()


def synthetic_ladder() -> dict:
    """Corners of the format: a 0..7 scale, a fork at rank 2, unicode, text as long as its
    limit, multi-line and YAML-looking text, partial levels and salaries."""
    scale = ["Aucun", "Notions", "Débutant", "Pratique", "Confirmé", "Avancé", "Expert", "専門家"]
    assert len(LONG_STATEMENT) > 1990
    return {
        "track": {
            "slug": "developpement",
            "name": "Développement — 日本語 ✓",
            "description": "Line one: with a colon.\nLine two # not a comment\n\n  indented",
            "ready_threshold": 0.8125,
            "close_threshold": 0,
        },
        "scale": scale,
        "categories": [
            {"slug": "tech", "name": "Technique ✓", "description": LONG_STATEMENT},
            {"slug": "people", "name": "yes"},
        ],
        "skills": [
            {
                "slug": "rust",
                "name": "Rust 🦀",
                "category": "tech",
                "description": "- starts like a list item",
                "levels": {
                    str(level): f"{LONG_LEVEL_STATEMENT} ({level})" for level in range(1, 8)
                },
            },
            {"slug": "mentoring", "name": "null", "category": "people", "levels": {"7": "1.0"}},
            {
                "slug": "go",
                "name": "Go",
                "category": "tech",
                "levels": {"2": "'quoted' and \"double\"", "5": "{not: a mapping}"},
            },
        ],
        "roles": [
            {
                "slug": "principal",
                "title": "Principal — 主任",
                "rank": 3,
                "summary": LONG_STATEMENT,
                "salary": {"min": None, "max": None, "average": 90000, "currency": "EUR"},
                "requires": {"rust": [7, 3], "mentoring": [6, 2], "go": [5, 1]},
            },
            {
                "slug": "staff-backend",
                "title": "Staff (backend)",
                "rank": 2,
                "experience_years": {"min": 6, "max": None},
                "requires": {"rust": [5, 3]},
            },
            {
                "slug": "staff-people",
                "title": "Staff (people)",
                "rank": 2,
                "drops": [
                    {"skills": ["go"], "reason": "yes: 'quoted' — 人 ✓"},
                    {"skills": ["rust"], "reason": "Line one\nline two"},
                ],
            },
            {
                "slug": "junior",
                "title": "Junior: first rung",
                "rank": 1,
                "salary": {"year": 2025, "source": "Grille interne 2025"},
                "requires": {"go": [1, 1], "rust": [1, 2]},
            },
        ],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_synthetic_ladder_with_every_corner_round_trips(fmt):
    document = _document(synthetic_ladder())
    assert [role["slug"] for role in document["roles"]] == [
        "junior",
        "staff-backend",
        "staff-people",
        "principal",
    ]
    assert [skill["slug"] for skill in document["skills"]] == ["rust", "go", "mentoring"]

    assert_round_trip(document, fmt)


@pytest.mark.django_db
def test_a_synthetic_ladder_stores_what_the_file_says():
    interchange.import_document(_document(synthetic_ladder()), publish=True)

    version = MatrixVersion.objects.get()
    assert version.max_level == 7
    assert str(version.close_threshold) == "0.0000"
    assert sorted(version.roles.filter(rank=2).values_list("slug", flat=True)) == [
        "staff-backend",
        "staff-people",
    ]
    rust = version.skills.get(slug="rust")
    assert rust.statement(7) == f"{LONG_LEVEL_STATEMENT} (7)"
    assert version.skills.get(slug="mentoring").name == "null"
    assert version.categories.get(slug="people").name == "yes"
    assert sorted(
        DeclaredDrop.objects.filter(role__version=version).values_list(
            "role__slug", "skill__slug", "reason"
        )
    ) == [
        ("staff-people", "go", "yes: 'quoted' — 人 ✓"),
        ("staff-people", "rust", "Line one\nline two"),
    ]


DROPS_YAML = SMALL_YAML.replace(
    "      sql: [2, 2]\n  - slug: senior",
    "      sql: [2, 2]\n      docker: [2, 1]\n  - slug: senior",
) + (
    "    drops:\n"
    "      - skills: [docker]\n"
    "        reason: a senior relies on the platform team for it\n"
)


@pytest.mark.django_db
def test_declared_drops_round_trip_through_export_and_import(tmp_path):
    with transaction.atomic():
        run_import(write(tmp_path, DROPS_YAML, "data.yaml"), publish=True)
        exported = run_export("data")
        again = run_import(write(tmp_path, exported, "export.yaml"), publish=True)
        transaction.set_rollback(True)

    assert exported.endswith(
        "    requires:\n"
        "      python: [4, 3]\n"
        "      sql: [3, 2]\n"
        "      communication: [3, 1]\n"
        "    drops:\n"
        "      - skills: [docker]\n"
        "        reason: a senior relies on the platform team for it\n"
    )
    assert again.startswith("No changes: data v1 already has this content.")
    # Into a fresh database: the same drop, and the same export again.
    assert not Track.objects.exists()
    run_import(write(tmp_path, exported, "export.yaml"), publish=True)
    assert list(DeclaredDrop.objects.values_list("role__slug", "skill__slug", "reason")) == [
        ("senior", "docker", "a senior relies on the platform team for it")
    ]
    assert run_export("data") == exported
    assert json.loads(run_export("data", format="json"))["roles"][1]["drops"] == [
        {"skills": ["docker"], "reason": "a senior relies on the platform team for it"}
    ]


@pytest.mark.django_db
def test_a_csv_import_leaves_declared_drops_alone_and_refuses_to_require_one(tmp_path):
    run_import(write(tmp_path, DROPS_YAML, "data.yaml"), publish=True)

    rows = "senior,Senior Data Engineer,2,technical,docker,Docker,3,1\n"
    problems = failed_import(
        write(tmp_path, ",".join(interchange.CSV_HEADER) + "\n" + rows, "matrix.csv"),
        track="data",
    )

    assert problems == [
        "matrix.csv:2: senior declares docker dropped in data v1; a CSV import does not change "
        "declared drops (remove the declaration in the YAML file or the draft first)"
    ]
    csv_export = write(tmp_path, run_export("data", format="csv"), "again.csv")
    assert run_import(csv_export, track="data").startswith("No changes: data v1")


@pytest.mark.django_db
def test_csv_export_then_import_on_the_same_track_creates_nothing(tmp_path, published):
    path = write(tmp_path, run_export("data", format="csv"), "matrix.csv")

    output = run_import(path, track="data")

    assert output.startswith("No changes: data v1 already has this content.")
    assert MatrixVersion.objects.count() == 1


@pytest.mark.django_db
def test_a_csv_import_updates_the_requirements_of_the_roles_it_names(tmp_path, published):
    v1 = version_snapshot(published)
    rows = [
        "role,role_title,rank,category,skill,skill_name,level,importance",
        "junior,Junior Data Engineer (I),1,technical,python,Python,3,3",
        "junior,Junior Data Engineer (I),1,,docker,,1,1",
    ]
    path = write(tmp_path, "\n".join(rows) + "\n", "matrix.csv")

    output = run_import(path, track="data", publish=True)

    assert version_snapshot(published) == v1
    v2 = MatrixVersion.objects.get(number=2)
    assert v2.is_published
    document = interchange.export_version(v2)
    junior, senior = document["roles"]
    assert junior["title"] == "Junior Data Engineer (I)"
    assert junior["requires"] == {"python": [3, 3], "docker": [1, 1]}
    assert senior == interchange.export_version(published)["roles"][1]
    assert import_lines(output)[-4:] == [
        "  ~ role junior: title 'Junior Data Engineer' -> 'Junior Data Engineer (I)'",
        "  ~ requirement junior/python: [2, 3] -> [3, 3]",
        "  + requirement junior/docker: [1, 1]",
        "  - requirement junior/sql: [2, 2]",
    ]


@pytest.mark.django_db
def test_a_csv_import_updates_the_existing_draft(tmp_path, published):
    data = small_ladder()
    data["skills"].append({"slug": "spark", "name": "Spark", "category": "technical"})
    run_import(write(tmp_path, data, "data.json"))
    rows = "role,role_title,rank,category,skill,skill_name,level,importance\n"
    rows += "senior,Senior Data Engineer,2,technical,spark,Spark,4,2\n"

    output = run_import(write(tmp_path, rows, "matrix.csv"), track="data")

    assert MatrixVersion.objects.count() == 2
    draft = MatrixVersion.objects.get(number=2)
    assert interchange.export_version(draft)["roles"][1]["requires"] == {"spark": [4, 2]}
    assert output.splitlines()[0] == "Replaced the content of the draft data v2."


CSV_HEADER = "role,role_title,rank,category,skill,skill_name,level,importance\n"
CSV_PROBLEMS = {
    "level-not-a-number": (
        "junior,Junior Data Engineer,1,technical,python,Python,x,3\n",
        "matrix.csv:2: level 'x' is not a whole number",
    ),
    "level-outside-scale": (
        "junior,Junior Data Engineer,1,technical,python,Python,6,3\n",
        "matrix.csv:2: level 6 is outside the scale 1..5",
    ),
    "importance-outside-1-to-3": (
        "junior,Junior Data Engineer,1,technical,python,Python,2,0\n",
        "matrix.csv:2: importance 0 is outside 1..3",
    ),
    "unknown-skill": (
        "junior,Junior Data Engineer,1,technical,pyton,Python,2,3\n",
        "matrix.csv:2: unknown skill 'pyton' in data v1 (did you mean 'python'?)",
    ),
    "unknown-role": (
        "intern,Intern,1,technical,python,Python,1,1\n",
        "matrix.csv:2: unknown role 'intern' in data v1",
    ),
    "skill-in-another-category": (
        "junior,Junior Data Engineer,1,soft,python,Python,2,3\n",
        "matrix.csv:2: skill 'python' is in category 'technical', not 'soft' "
        "(a CSV import does not move skills)",
    ),
    "renamed-skill": (
        "junior,Junior Data Engineer,1,technical,python,Python 3,2,3\n",
        "matrix.csv:2: skill 'python' is named 'Python', not 'Python 3' "
        "(a CSV import does not rename skills)",
    ),
    "row-given-twice": (
        "junior,Junior Data Engineer,1,technical,python,Python,2,3\n"
        "junior,Junior Data Engineer,1,technical,python,Python,3,3\n",
        "matrix.csv:3: junior requires python already on line 2",
    ),
    "two-titles-for-one-role": (
        "junior,Junior Data Engineer,1,technical,python,Python,2,3\n"
        "\n"
        "junior,Junior,1,technical,sql,SQL,2,3\n",
        "matrix.csv:4: role 'junior' has title 'Junior' here but 'Junior Data Engineer' on line 2",
    ),
    "wrong-number-of-columns": (
        "junior,Junior Data Engineer,1,technical,python,Python,2\n",
        "matrix.csv:2: expected 8 columns, got 7",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("rows, expected", CSV_PROBLEMS.values(), ids=CSV_PROBLEMS.keys())
def test_it_rejects_csv_problems_with_their_line(tmp_path, published, rows, expected):
    problems = failed_import(write(tmp_path, CSV_HEADER + rows, "matrix.csv"), track="data")

    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, options, expected",
    [
        (CSV_HEADER, {"track": "data"}, "matrix.csv: has a header but no requirement rows"),
        ("", {"track": "data"}, "matrix.csv: the file is empty"),
        (
            "role,skill,level\n",
            {"track": "data"},
            "matrix.csv:1: expected the header "
            "role,role_title,rank,category,skill,skill_name,level,importance",
        ),
        (CSV_HEADER, {"track": "nope"}, "matrix.csv: unknown track 'nope'"),
        (
            CSV_HEADER,
            {},
            "matrix.csv: a CSV file holds requirements only; name its track with --track SLUG",
        ),
    ],
    ids=["no-rows", "empty", "bad-header", "unknown-track", "no-track"],
)
def test_it_rejects_a_csv_file_it_cannot_use(tmp_path, published, text, options, expected):
    assert failed_import(write(tmp_path, text, "matrix.csv"), **options) == [expected]


# ---------------------------------------------------------------------------------------------
# YAML text survives any content


def _text():
    return st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300).filter(
        lambda text: text.strip()
    )


@example(description="0", statement="0", name="0\x850")  # NEL, a YAML line break
@example(description="a\r\nb", statement="line\u2028break", name="x" * 80 + "\u2029y")
@settings(max_examples=100, deadline=None)
@given(description=_text(), statement=_text(), name=_text())
def test_any_text_survives_a_yaml_and_json_round_trip(description, statement, name):
    data = small_ladder()
    data["track"]["description"] = description
    data["skills"][0]["levels"] = {2: statement}
    data["skills"][1]["name"] = name[:200]
    if not data["skills"][1]["name"].strip():
        return
    document = _document(data)

    for fmt in ("yaml", "json"):
        assert interchange.parse_document(interchange.dump(document, fmt), "t", fmt) == document


# Size limits: a ladder's text ends up on public pages.


@pytest.mark.django_db
def test_it_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text(SMALL_YAML + "# " + "x" * interchange.FILE_MAX_BYTES + "\n")

    problems = failed_import(path)

    assert problems == [
        f"huge.yaml: {path.stat().st_size:,} bytes; a ladder file may hold at most 2,097,152"
    ]


@pytest.mark.django_db
def test_uploaded_text_over_the_size_limit_is_refused_too():
    text = SMALL_YAML + "# " + "x" * interchange.FILE_MAX_BYTES + "\n"

    with pytest.raises(interchange.InterchangeError) as raised:
        interchange.parse_document(text, "upload.yaml")

    assert "a ladder file may hold at most 2,097,152" in raised.value.problems[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "limit"),
    [
        (("track", "description"), 2000),
        (("categories", 0, "description"), 2000),
        (("skills", 0, "description"), 2000),
        (("skills", 0, "levels", 1), 500),
        (("roles", 0, "summary"), 2000),
    ],
    ids=["track", "category", "skill", "level-statement", "role-summary"],
)
def test_it_refuses_text_longer_than_its_limit(tmp_path, path, limit):
    data = yaml.safe_load(SMALL_YAML)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "x" * (limit + 1)
    file = tmp_path / "long.yaml"
    file.write_text(yaml.safe_dump(data))

    problems = failed_import(file)

    assert len(problems) == 1
    assert f"is {limit + 1} characters long; the limit is {limit}" in problems[0]


@pytest.mark.django_db
def test_a_level_statement_over_the_limit_is_refused_in_the_admin_too():
    version = make_ladder(publish=False)
    skill = version.skills.first()
    skill.levels = {"1": "x" * 501}

    with pytest.raises(ValidationError) as raised:
        skill.full_clean()

    assert raised.value.message_dict["levels"] == ["Keep each statement to 500 characters."]
