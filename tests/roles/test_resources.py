"""Learning resources: in the interchange format (the `resources:` section, replaced on import,
kept through export -> import), in the shipped ladders, and in the editor (no version, no
publish; web addresses only)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from roles import interchange
from roles.audit import AuditEntry
from roles.interchange.resources import ResourceChanges
from roles.models import MatrixVersion
from roles.resources import LearningResource
from tests.factories import make_ladder

LADDERS = Path(__file__).resolve().parents[2] / "roles" / "ladders"
SHIPPED = sorted(LADDERS.glob("*.yaml"))


def _file(**resources) -> str:
    """A small valid ladder file with the given resources section (None: no section)."""
    data = {
        "track": {"slug": "data", "name": "Data"},
        "scale": ["None", "Aware", "Working", "Expert"],
        "categories": [{"slug": "core", "name": "Core"}],
        "skills": [
            {"slug": "sql", "name": "SQL", "category": "core"},
            {"slug": "python", "name": "Python", "category": "core"},
        ],
        "roles": [{"slug": "analyst", "title": "Analyst", "rank": 1, "requires": {"sql": [2, 3]}}],
    }
    if resources:
        data |= resources
    return yaml.safe_dump(data, sort_keys=False)


def _resource(**changes) -> dict:
    entry = {
        "title": "PostgreSQL tutorial",
        "url": "https://www.postgresql.org/docs/current/tutorial.html",
        "kind": "docs",
        "levels": [1, 2],
        "cost": "free",
        "hours": 5,
    }
    return entry | changes


def _import(text: str, **options) -> interchange.ImportResult:
    return interchange.import_document(
        interchange.parse_document(text, "data.yaml"), publish=True, **options
    )


# ---------- The format -----------------------------------------------------------------------


def test_a_file_reads_its_resources_section_by_skill():
    document = interchange.parse_document(
        _file(resources={"sql": [_resource(), _resource(url="https://sqlbolt.com/", cost="paid")]}),
        "data.yaml",
    )

    assert document["resources"] == {
        "sql": [
            {
                "title": "PostgreSQL tutorial",
                "url": "https://www.postgresql.org/docs/current/tutorial.html",
                "kind": "docs",
                "levels": [1, 2],
                "free": True,
                "hours": 5,
            },
            {
                "title": "PostgreSQL tutorial",
                "url": "https://sqlbolt.com/",
                "kind": "docs",
                "levels": [1, 2],
                "free": False,
                "hours": 5,
            },
        ]
    }


def test_resources_are_not_version_content():
    with_section = interchange.parse_document(_file(resources={"sql": [_resource()]}), "a.yaml")
    without = interchange.parse_document(_file(), "b.yaml")

    assert interchange.document_hash(with_section) == interchange.document_hash(without)
    assert interchange.diff(without, with_section).is_empty


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"url": "javascript:alert(1)"}, "'javascript:alert(1)' is not a web address"),
        ({"url": "ftp://example.com/file"}, "is not a web address (http:// or https://)"),
        ({"url": "https://" + "a" * 500 + ".com"}, "the limit is 500"),
        ({"kind": "video"}, "'video' is not one of docs, course, book, practice, certification"),
        ({"levels": [4]}, "4 is not a level of the scale 1..3"),
        ({"levels": []}, "expected a list of levels such as [1, 2]"),
        ({"levels": [1, 1]}, "level 1 is listed twice"),
        ({"cost": "cheap"}, "'cheap' is not one of free, paid"),
        ({"hours": 0}, "hours 0 must be at least 1"),
        ({"hours": 5000}, "hours 5000 is above the limit 1000"),
        ({"title": ""}, "must not be empty"),
    ],
)
def test_a_bad_resource_is_reported_with_its_place(changes, problem):
    text = _file(resources={"sql": [_resource(**changes)]})

    with pytest.raises(interchange.InterchangeError) as raised:
        interchange.parse_document(text, "data.yaml")

    assert any(problem in line and "resources.sql[0]" in line for line in raised.value.problems), (
        raised.value.problems
    )


def test_an_unknown_skill_and_a_url_given_twice_are_reported():
    text = _file(resources={"sq": [_resource()], "sql": [_resource(), _resource()]})

    with pytest.raises(interchange.InterchangeError) as raised:
        interchange.parse_document(text, "data.yaml")

    problems = "\n".join(raised.value.problems)
    assert "resources.sq: unknown skill 'sq' (did you mean 'sql'?)" in problems
    assert "resources.sql[1].url: duplicate url" in problems


# ---------- Import replaces, export keeps ------------------------------------------------------


@pytest.mark.django_db
def test_importing_a_section_makes_the_tracks_resources_exactly_the_files():
    _import(_file(resources={"sql": [_resource(), _resource(url="https://sqlbolt.com/")]}))

    result = _import(
        _file(
            resources={
                "sql": [_resource(hours=7)],
                "python": [_resource(url="https://docs.python.org/3/tutorial/")],
            }
        )
    )

    assert result.resources == ResourceChanges(added=1, changed=1, removed=1, kept=0)
    assert "Learning resources changed: 1 added, 1 changed, 1 removed; 0 as they were." in (
        result.report()
    )
    assert sorted(LearningResource.objects.values_list("skill", "url", "hours")) == [
        ("python", "https://docs.python.org/3/tutorial/", 5),
        ("sql", "https://www.postgresql.org/docs/current/tutorial.html", 7),
    ]


@pytest.mark.django_db
def test_a_file_without_the_section_leaves_the_resources_alone():
    _import(_file(resources={"sql": [_resource()]}))

    result = _import(_file())

    assert result.resources is None
    assert LearningResource.objects.count() == 1


@pytest.mark.django_db
def test_a_dry_run_counts_the_resource_changes_and_writes_nothing():
    result = interchange.import_document(
        interchange.parse_document(_file(resources={"sql": [_resource()]}), "data.yaml"),
        dry_run=True,
    )

    assert "Learning resources would change: 1 added; 0 as they were." in result.report()
    assert not LearningResource.objects.exists()


@pytest.mark.django_db
def test_seeding_takes_the_files_resources_only_for_a_track_without_any():
    _import(_file(resources={"sql": [_resource()]}))
    LearningResource.objects.update(title="Edited in the browser")

    result = _import(
        _file(resources={"sql": [_resource(), _resource(url="https://sqlbolt.com/")]}),
        seed_resources=True,
    )

    assert "Kept the track's 1 learning resources (it had some already)." in result.report()
    assert list(LearningResource.objects.values_list("title", flat=True)) == [
        "Edited in the browser"
    ]


@pytest.mark.django_db
def test_an_export_carries_the_resources_of_the_versions_skills_and_imports_back():
    _import(_file(resources={"sql": [_resource()], "python": [_resource(url="https://x.org/")]}))
    stored = LearningResource.objects.get(skill="python")
    stored.skill = "gone"  # a skill no longer in the version: not exported
    stored.save()

    exported = interchange.dump(
        interchange.export_version(MatrixVersion.objects.get(), resources=True), "yaml"
    )

    data = yaml.safe_load(exported)
    assert list(data["resources"]) == ["sql"]
    assert data["resources"]["sql"][0] == _resource()
    result = _import(exported)
    assert result.resources == ResourceChanges(added=0, changed=0, removed=1, kept=1)


# ---------- The shipped ladders ----------------------------------------------------------------


@pytest.mark.parametrize("ladder", SHIPPED, ids=lambda path: path.name)
def test_every_skill_of_a_shipped_ladder_has_a_free_resource(ladder):
    document = interchange.read_document(ladder)

    resources = document["resources"]
    for skill in document["skills"]:
        entries = resources.get(skill["slug"], [])
        assert any(entry["free"] for entry in entries), skill["slug"]
        assert all(entry["url"].startswith("https://") for entry in entries), skill["slug"]
    assert len(resources) == len(document["skills"])


# ---------- The editor -----------------------------------------------------------------------


@pytest.fixture
def published(db):
    return make_ladder(skills=3, roles=2, categories=1)


def _page(published, path: str = "") -> str:
    return f"/roles/{published.track.slug}/edit/resources/{path}"


def _form(**changes) -> dict:
    data = {
        "title": "Skill 0 handbook",
        "url": "https://example.org/handbook/",
        "kind": "book",
        "levels": ["2", "3"],
        "free": "0",
        "hours": "12",
    }
    return data | changes


def test_an_editor_adds_a_resource_without_a_draft_and_it_is_logged(editor_client, published):
    response = editor_client.post(_page(published, "skill-0/"), _form())

    assert response.status_code == 303
    resource = LearningResource.objects.get()
    assert (resource.skill, resource.levels, resource.free, resource.hours) == (
        "skill-0",
        [2, 3],
        False,
        12,
    )
    assert not published.track.versions.filter(status="draft").exists()
    entry = AuditEntry.objects.get(target="resource")
    assert entry.summary == "Added the resource “Skill 0 handbook” to Skill 0"
    page = editor_client.get(_page(published, "skill-0/")).text
    assert "levels 2\u20133 · paid · about 12 hours" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "javascript:alert(1)"}, "Enter a web address (http or https)."),
        ({"url": "ftp://example.org/file"}, "Enter a web address (http or https)."),
        ({"url": ""}, "Give the resource&#x27;s web address."),
        ({"title": ""}, "Give the resource a title."),
        ({"levels": []}, "Choose the levels it helps reach."),
        ({"levels": ["9"]}, "Select a valid choice. 9 is not one of the available choices."),
        ({"kind": "video"}, "Select a valid choice. video is not one of the available choices."),
        ({"hours": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"hours": "1001"}, "Ensure this value is less than or equal to 1000."),
    ],
)
def test_a_bad_resource_is_refused_in_the_form(editor_client, published, changes, message):
    response = editor_client.post(_page(published, "skill-0/"), _form(**changes))

    assert response.status_code == 400
    assert message in response.text
    assert not LearningResource.objects.exists()


def test_a_skill_lists_one_address_once(editor_client, published):
    editor_client.post(_page(published, "skill-0/"), _form())

    response = editor_client.post(_page(published, "skill-0/"), _form(title="Again"))

    assert response.status_code == 400
    assert "This skill already lists a resource at that address." in response.text
    assert LearningResource.objects.count() == 1


def test_a_resource_is_edited_and_removed(editor_client, published):
    editor_client.post(_page(published, "skill-0/"), _form())
    resource = LearningResource.objects.get()

    editor_client.post(_page(published, f"skill-0/{resource.pk}/"), _form(title="New title"))
    assert LearningResource.objects.get().title == "New title"
    editor_client.post(_page(published, f"skill-0/{resource.pk}/remove/"))

    assert not LearningResource.objects.exists()
    assert list(
        AuditEntry.objects.filter(target="resource").order_by("pk").values_list("action", flat=True)
    ) == ["added", "changed", "removed"]


def test_a_resource_of_another_skill_or_track_is_a_404(editor_client, published):
    other = make_ladder(skills=1, roles=1, categories=1)
    foreign = LearningResource.objects.create(
        track=other.track,
        skill="skill-0",
        title="T",
        url="https://a.org/",
        kind="docs",
        levels=[1],
        hours=1,
    )

    assert editor_client.get(_page(published, f"skill-0/{foreign.pk}/")).status_code == 404
    assert editor_client.post(_page(published, f"skill-1/{foreign.pk}/remove/")).status_code == 404
    assert LearningResource.objects.count() == 1


def test_the_overview_counts_resources_per_skill_and_lists_orphans(editor_client, published):
    editor_client.post(_page(published, "skill-0/"), _form())
    LearningResource.objects.create(
        track=published.track,
        skill="retired",
        title="Old",
        url="https://old.org/",
        kind="docs",
        levels=[1],
        hours=1,
    )

    page = editor_client.get(_page(published)).text

    assert "<strong>2 skills</strong> of version 1 have no resource yet." in page
    assert "Resources of skills not in version 1" in page
    assert "<strong>retired</strong>: Old" in page
