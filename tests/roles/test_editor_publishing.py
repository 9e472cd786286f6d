"""Review and publish, version history, export and import in the browser."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from roles import drafting, interchange
from roles.audit import AuditEntry
from roles.document import document_hash
from roles.models import MatrixVersion, Requirement
from tests.factories import AssessmentFactory, make_editor, make_ladder

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def published():
    return make_ladder(skills=6, roles=3, categories=2)


@pytest.fixture
def draft(published, editor_client):
    editor_client.post(_edit(published.track))
    return published.track.draft_version()


def _edit(track, path: str = "") -> str:
    return f"/roles/{track.slug}/edit/{path}"


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _reviewed(response) -> str:
    return re.search(r'name="reviewed" value="([0-9a-f]{64})"', response.text).group(1)


def _set(client, draft, role, skill, level, importance):
    url = _edit(draft.track, f"requirements/{role}/{skill}/")
    return client.post(url, {"level": level, "importance": importance}, headers=HTMX)


# ---------- Review and publish ---------------------------------------------------------------


def test_the_review_page_says_each_change_in_words(editor_client, draft):
    _set(editor_client, draft, "role-3", "skill-1", 5, 2)  # was 4 Advanced, important
    _set(editor_client, draft, "role-2", "skill-2", 0, 0)  # was 2 Working, essential
    AssessmentFactory(version=draft.track.current_version())

    page = editor_client.get(_edit(draft.track, "diff/")).text

    assert "Publishing draft v2 makes 2 changes to version 1." in page
    assert "Role 3 now needs Skill 1 at Expert (was Advanced), important." in page
    assert "Role 2 no longer needs Skill 2 (was Working, essential)." in page
    assert "1 assessment is in progress on this ladder: it stays on the version it started on" in (
        page
    )
    assert "Publish version 2" in page


def test_a_draft_without_changes_has_nothing_to_publish(editor_client, draft):
    page = editor_client.get(_edit(draft.track, "diff/")).text

    assert "holds the same content as version 1: there is nothing to publish yet" in page
    assert "Publish version 2" not in page


def test_publishing_freezes_the_draft_as_reviewed_and_records_who(editor_client, draft):
    _set(editor_client, draft, "role-3", "skill-1", 5, 2)
    reviewed = _reviewed(editor_client.get(_edit(draft.track, "diff/")))

    response = editor_client.post(_edit(draft.track, "publish/"), {"reviewed": reviewed})

    assert response.status_code == 303
    assert response["Location"] == _edit(draft.track, "history/")
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.track.current_version() == draft
    entry = AuditEntry.objects.get(action="published")
    assert (entry.actor, entry.version, entry.summary) == (
        "editor",
        draft,
        "Published v2 with 1 change",
    )
    history = editor_client.get(_edit(draft.track, "history/")).text
    assert re.search(
        r"Version 2</a></th>\s*<td>Published</td>\s*<td><time[^>]*>[^<]+</time> by editor", history
    )
    assert "by an import from the command line" in history  # version 1


def test_a_replayed_publish_publishes_nothing_twice(editor_client, draft):
    _set(editor_client, draft, "role-3", "skill-1", 5, 2)
    reviewed = _reviewed(editor_client.get(_edit(draft.track, "diff/")))
    editor_client.post(_edit(draft.track, "publish/"), {"reviewed": reviewed})

    again = editor_client.post(_edit(draft.track, "publish/"), {"reviewed": reviewed})

    assert again.status_code == 409
    assert "Version 2 was published by editor" in again.text
    assert "nothing was published twice" in again.text
    assert list(draft.track.versions.values_list("number", "status")) == [
        (2, "published"),
        (1, "published"),
    ]
    assert AuditEntry.objects.filter(action="published").count() == 1


def test_a_draft_changed_after_review_is_not_published(editor_client, draft):
    _set(editor_client, draft, "role-3", "skill-1", 5, 2)
    reviewed = _reviewed(editor_client.get(_edit(draft.track, "diff/")))
    _set(editor_client, draft, "role-1", "skill-1", 3, 3)  # another admin, say

    response = editor_client.post(_edit(draft.track, "publish/"), {"reviewed": reviewed})

    assert response.status_code == 303
    assert "has changed since you reviewed it: nothing was published" in _messages(response)[-1]
    draft.refresh_from_db()
    assert not draft.is_published


@pytest.mark.parametrize("reviewed", ["", "not-a-hash"])
def test_a_publish_of_other_content_than_reviewed_is_refused(editor_client, draft, reviewed):
    _set(editor_client, draft, "role-3", "skill-1", 5, 3)

    editor_client.post(_edit(draft.track, "publish/"), {"reviewed": reviewed})

    draft.refresh_from_db()
    assert not draft.is_published


def test_a_script_may_publish_without_the_review_page(editor_client, draft):
    """The public contract: POST /roles/<track>/edit/publish/ publishes the draft."""
    _set(editor_client, draft, "role-3", "skill-1", 5, 3)

    response = editor_client.post(_edit(draft.track, "publish/"))

    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.is_published


def test_a_draft_identical_to_the_current_version_is_not_published(editor_client, draft):
    reviewed = document_hash(draft.to_document())

    response = editor_client.post(_edit(draft.track, "publish/"), {"reviewed": reviewed})

    assert "there is nothing to publish" in _messages(response)[-1]
    draft.refresh_from_db()
    assert not draft.is_published


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_publishes_publish_once():
    track = make_ladder(skills=4, roles=2).track
    draft = track.start_draft()
    Requirement.objects.filter(role__version=draft).order_by("pk").first().delete()
    reviewed = document_hash(draft.to_document())
    users = [make_editor(username=f"editor{i}") for i in range(2)]
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def publish(user):
        try:
            start.wait()
            mine = MatrixVersion.objects.get(pk=draft.pk)
            drafting.publish_draft(mine, user=user, reviewed=reviewed, changes=1)
            outcomes.append("published")
        except drafting.DraftError as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["DraftGone", "published"]
    assert AuditEntry.objects.filter(action="published").count() == 1
    assert MatrixVersion.objects.get(pk=draft.pk).is_published


# ---------- History and export ---------------------------------------------------------------


def test_a_versions_page_lists_its_changes_against_the_version_before(editor_client, draft):
    _set(editor_client, draft, "role-3", "skill-1", 5, 2)
    reviewed = _reviewed(editor_client.get(_edit(draft.track, "diff/")))
    editor_client.post(_edit(draft.track, "publish/"), {"reviewed": reviewed})

    page = editor_client.get(_edit(draft.track, "history/2/")).text
    first = editor_client.get(_edit(draft.track, "history/1/")).text

    assert "Changes from version 1" in page
    assert "Role 3 now needs Skill 1 at Expert (was Advanced), important." in page
    assert "The first version of this ladder." in first
    assert editor_client.get(_edit(draft.track, "history/9/")).status_code == 404


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv"])
def test_any_version_downloads_as_a_file_that_imports_back(editor_client, draft, fmt):
    response = editor_client.get(_edit(draft.track, f"history/1/export.{fmt}"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{draft.track.slug}-v1.{fmt}"'
    )
    text = response.content.decode()
    if fmt == "csv":
        document = interchange.parse_csv(text, "export.csv", draft.track.slug)
    else:
        document = interchange.parse_document(text, f"export.{fmt}", fmt)
    assert interchange.diff(draft.track.current_version().to_document(), document).is_empty


def test_an_unknown_export_format_is_a_404(editor_client, draft):
    assert editor_client.get(_edit(draft.track, "history/1/export.xlsx")).status_code == 404


# ---------- Import ---------------------------------------------------------------------------


def _upload(text: str, name: str = "ladder.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def _exported(track, **changes) -> str:
    document = track.current_version().to_document()
    for role in document["roles"]:
        if role["slug"] == "role-3":
            role["requires"]["skill-1"] = [5, 2]
    document["track"].update(changes)
    return interchange.dump(document, "yaml")


def test_a_dry_run_shows_the_changes_and_writes_nothing(editor_client, published):
    response = editor_client.post(
        _edit(published.track, "import/"),
        {"file": _upload(_exported(published.track)), "dry_run": "1"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "ladder.yaml is valid." in response.text
    assert "Would create" in response.text
    assert "Role 3 now needs Skill 1 at Expert (was Advanced), important." in response.text
    assert published.track.versions.count() == 1


def test_applying_an_import_writes_the_draft_and_logs_it(editor_client, published):
    response = editor_client.post(
        _edit(published.track, "import/"),
        {"file": _upload(_exported(published.track)), "dry_run": "0"},
    )

    assert response.status_code == 303
    draft = published.track.draft_version()
    assert draft.number == 2
    assert (
        Requirement.objects.get(
            role__version=draft, role__slug="role-3", skill__slug="skill-1"
        ).level
        == 5
    )
    entry = AuditEntry.objects.get(action="imported")
    assert entry.summary == "Imported ladder.yaml: 1 change against v1 (published)"
    assert entry.after == "Role 3 now needs Skill 1 at Expert (was Advanced), important."


def test_applying_with_htmx_redirects_the_page_to_the_grid(editor_client, published):
    response = editor_client.post(
        _edit(published.track, "import/"),
        {"file": _upload(_exported(published.track))},
        headers=HTMX,
    )

    assert response["HX-Redirect"] == _edit(published.track)


@pytest.mark.parametrize(
    ("text", "name", "problem"),
    [
        ("track: [", "ladder.yaml", "ladder.yaml:2: not valid YAML"),
        ("{}", "ladder.json", "ladder.json: missing required key 'roles'"),
        ("a,b\n", "matrix.csv", "matrix.csv:1: expected the header"),
        ("hello", "ladder.txt", "ladder.txt: unknown file type"),
        ("\xff", "ladder.yaml", ""),
    ],
)
def test_a_malformed_file_lists_its_problems_and_changes_nothing(
    editor_client, published, text, name, problem
):
    upload = SimpleUploadedFile(name, text.encode("latin-1"))
    response = editor_client.post(
        _edit(published.track, "import/"), {"file": upload, "dry_run": "0"}
    )

    assert response.status_code == 400
    assert "nothing was imported" in response.text
    assert problem in response.text.replace("&#x27;", "'")
    assert published.track.versions.count() == 1


def test_a_file_of_another_track_is_refused(editor_client, published):
    other = _exported(published.track, slug="other-track")

    response = editor_client.post(_edit(published.track, "import/"), {"file": _upload(other)})

    assert response.status_code == 400
    assert "the file is for the track “other-track”" in response.text
    assert published.track.versions.count() == 1


def test_an_oversized_upload_is_refused_before_it_is_read(editor_client, published, settings):
    big = _upload("#" * (interchange.FILE_MAX_BYTES + 1))

    response = editor_client.post(_edit(published.track, "import/"), {"file": big})

    assert response.status_code == 400
    assert "a ladder file may hold at most 2,097,152. Nothing was imported." in response.text
    assert published.track.versions.count() == 1


def test_a_csv_updates_the_requirements_of_the_draft(editor_client, draft):
    csv = (
        "role,role_title,rank,category,skill,skill_name,level,importance\n"
        "role-1,Role 1,1,,skill-0,,3,3\n"
    )

    response = editor_client.post(
        _edit(draft.track, "import/"), {"file": _upload(csv, "matrix.csv"), "dry_run": "0"}
    )

    assert response.status_code == 303
    assert list(
        Requirement.objects.filter(role__version=draft, role__slug="role-1").values_list(
            "skill__slug", "level", "importance"
        )
    ) == [("skill-0", 3, 3)]
