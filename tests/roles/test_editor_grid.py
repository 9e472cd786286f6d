"""The matrix grid and its cells: starting a draft, editing a cell in place (htmx) or on its own
page (no JavaScript), what is refused, the audit log, and two admins on the same cell."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from roles import drafting
from roles.audit import AuditEntry
from roles.models import MatrixVersion, Requirement
from tests.factories import TrackFactory, make_editor, make_ladder

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Session, user, permission, the track with its two latest versions, categories, skills,
# roles, requirements with declared drops, latest changes.
GRID_QUERIES = 9
# Session, user, permission; in a transaction (its savepoint and release count here, as the
# test runs in one): the draft (locked) with the cell's role and skill, its stored value and
# declared drop; their update, the audit entry.
CELL_SAVE_QUERIES = 8


@pytest.fixture
def published():
    # Role k requires every skill at a level rising with rank; importance cycles 1..3.
    return make_ladder(skills=6, roles=3, categories=2)


@pytest.fixture
def draft(published, editor):
    return published.track.start_draft()


def _grid(track) -> str:
    return f"/roles/{track.slug}/edit/"


def _cell(track, role="role-2", skill="skill-1") -> str:
    return f"/roles/{track.slug}/edit/requirements/{role}/{skill}/"


def _stored(draft: MatrixVersion, role="role-2", skill="skill-1"):
    return (
        Requirement.objects.filter(role__version=draft, role__slug=role, skill__slug=skill)
        .values_list("level", "importance")
        .first()
    )


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# ---------- Starting a draft ----------------------------------------------------------------


def test_without_a_draft_the_grid_shows_the_published_matrix_read_only(editor_client, published):
    page = editor_client.get(_grid(published.track)).text

    assert "Start a draft from version 1" in page
    assert 'hx-get="' not in page  # no cell is editable
    assert "2 &middot; Working" in page


def test_a_track_without_a_version_offers_an_import(editor_client):
    track = TrackFactory()

    response = editor_client.get(_grid(track))

    assert response.status_code == 200
    assert "This track has no version yet." in response.text
    assert f'href="/roles/{track.slug}/edit/import/"' in response.text
    assert 'class="matrix"' not in response.text


def test_starting_a_draft_copies_the_current_version_once(editor_client, published):
    first = editor_client.post(_grid(published.track))
    again = editor_client.post(_grid(published.track))

    assert first.status_code == again.status_code == 303
    drafts = published.track.versions.filter(status=MatrixVersion.Status.DRAFT)
    assert [draft.number for draft in drafts] == [2]
    assert Requirement.objects.filter(role__version=drafts[0]).count() == 18
    assert "Draft v2 is already open" in _messages(again)[-1]
    entry = AuditEntry.objects.get(version=drafts[0])
    assert (entry.action, entry.actor) == ("started", "editor")


def test_the_grid_shows_every_cell_with_its_level_name_and_importance(editor_client, draft):
    page = editor_client.get(_grid(draft.track)).text

    # role-3 requires skill-2 at 4 (Advanced), importance 3 (essential)
    cell = re.search(r'<td id="cell-role-3--skill-2" class="cell i3">(.*?)</td>', page).group(1)
    assert "<b>4 &middot; Advanced</b> <small>Essential</small>" in cell
    assert f'hx-get="{_cell(draft.track, "role-3", "skill-2")}"' in cell
    assert page.count('class="cell ') == 18
    assert "Latest changes in this draft" in page


@pytest.mark.parametrize(("skills", "roles"), [(5, 2), (40, 8)])
def test_the_grid_reads_a_fixed_number_of_queries(
    editor_client, skills, roles, django_assert_num_queries
):
    track = make_ladder(skills=skills, roles=roles).track
    track.start_draft()

    with django_assert_num_queries(GRID_QUERIES):
        response = editor_client.get(_grid(track))

    assert response.status_code == 200
    assert response.text.count('class="cell ') == skills * roles


# ---------- One cell -------------------------------------------------------------------------


def test_a_cell_opens_in_place_with_the_level_names_of_the_scale(editor_client, draft):
    response = editor_client.get(_cell(draft.track), headers=HTMX)

    fragment = response.text
    assert fragment.startswith('<td id="cell-role-2--skill-1" class="cell cell-editing">')
    assert '<option value="0">0 · Not required</option>' in fragment
    assert '<option value="5">5 · Expert</option>' in fragment
    assert 'name="was_level" value="2"' in fragment  # what the form was rendered from


def test_without_javascript_a_cell_is_a_page_with_the_skills_statements(editor_client, draft):
    response = editor_client.get(_cell(draft.track))

    assert "<h1>Role 2: Skill 1</h1>" in response.text
    assert "Skill 1, level 4: does thing 4." in response.text
    assert f'action="{_cell(draft.track)}"' in response.text


def test_saving_a_cell_with_htmx_swaps_in_its_new_value_and_logs_it(editor_client, draft):
    response = editor_client.post(
        _cell(draft.track),
        {"level": 4, "importance": 3, "was_level": 2, "was_importance": 2},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.text.startswith('<td id="cell-role-2--skill-1" class="cell i3">')
    assert "<b>4 &middot; Advanced</b> <small>Essential</small>" in response.text
    assert "changed" not in response.text.lower()  # nobody else changed it
    assert _stored(draft) == (4, 3)
    entry = AuditEntry.objects.filter(version=draft, action="changed").get()
    assert entry.actor == "editor"
    assert entry.summary == ("Role 2: Skill 1 from 2 Working, important to 4 Advanced, essential")
    assert (entry.before, entry.after) == ("2 Working, important", "4 Advanced, essential")


def test_a_cell_whose_role_or_skill_appears_after_the_first_read_is_still_saved(
    editor_client, draft, monkeypatch
):
    # Another editor added the role or skill between the save's first read, which found no
    # cell, and its lock on the draft: the second read under the lock finds it.
    real = drafting.lock_cell
    calls = []

    def first_misses(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(drafting, "lock_cell", first_misses)
    response = editor_client.post(
        _cell(draft.track),
        {"level": 4, "importance": 3, "was_level": 2, "was_importance": 2},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert len(calls) == 2
    assert _stored(draft) == (4, 3)


def test_without_javascript_a_save_goes_back_to_the_cell_in_the_grid(editor_client, draft):
    response = editor_client.post(_cell(draft.track), {"level": 3, "importance": 1})

    assert response.status_code == 303
    assert response["Location"] == f"{_grid(draft.track)}#cell-role-2--skill-1"
    assert _messages(response) == ["Saved: Role 2 needs Skill 1 at 3 Practitioner, nice to have."]
    assert _stored(draft) == (3, 1)


def test_level_zero_removes_the_requirement_and_a_level_adds_one(editor_client, draft):
    editor_client.post(_cell(draft.track), {"level": 0}, headers=HTMX)
    assert _stored(draft) is None
    response = editor_client.post(_cell(draft.track), {"level": 1, "importance": 2}, headers=HTMX)

    assert _stored(draft) == (1, 2)
    assert "<b>1 &middot; Awareness</b>" in response.text
    summaries = list(
        AuditEntry.objects.filter(version=draft, action="changed")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Role 2: Skill 1 from 2 Working, important to not required",
        "Role 2: Skill 1 from not required to 1 Awareness, important",
    ]


def test_saving_the_same_value_logs_nothing(editor_client, draft):
    editor_client.post(_cell(draft.track), {"level": 2, "importance": 2}, headers=HTMX)

    assert not AuditEntry.objects.filter(version=draft, action="changed").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": 6, "importance": 2}, "Level 6 is outside the scale 0..5 (0 means not"),
        ({"level": -1, "importance": 2}, "Level -1 is outside the scale 0..5"),
        ({"level": "high", "importance": 2}, "Level high is outside the scale 0..5"),
        ({"importance": 2}, "Choose a level (0 means not required)."),
        ({"level": 3, "importance": 4}, "Importance 4 is outside 1..3"),
        ({"level": 3, "importance": 0}, "Importance 0 is outside 1..3"),
        ({"level": 3}, "Choose an importance from 1 to 3."),
    ],
)
def test_bad_cell_values_are_refused_in_the_cell_and_change_nothing(
    editor_client, draft, data, message
):
    response = editor_client.post(_cell(draft.track), data, headers=HTMX)

    assert response.status_code == 400
    assert 'class="cell-error" role="alert"' in response.text
    assert message in response.text
    assert _stored(draft) == (2, 2)
    assert not AuditEntry.objects.filter(version=draft, action="changed").exists()


def test_a_bad_value_without_javascript_shows_the_page_with_the_error(editor_client, draft):
    response = editor_client.post(_cell(draft.track), {"level": 9, "importance": 2})

    assert response.status_code == 400
    assert "<h1>Role 2: Skill 1</h1>" in response.text
    assert "Level 9 is outside the scale 0..5" in response.text


@pytest.mark.parametrize(("role", "skill"), [("role-9", "skill-1"), ("role-2", "skill-99")])
def test_an_unknown_role_or_skill_is_a_404_and_changes_nothing(editor_client, draft, role, skill):
    response = editor_client.post(_cell(draft.track, role, skill), {"level": 1, "importance": 1})

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(version=draft, action="changed").exists()


def test_a_published_version_cannot_be_edited_even_by_a_crafted_post(editor_client, published):
    """Without a draft there is nothing to edit: the cell URL never reaches a published
    version, whatever is posted."""
    before = _stored(published)

    response = editor_client.post(_cell(published.track), {"level": 5, "importance": 3})
    after_publish = None
    draft = published.track.start_draft()
    draft.publish()
    after_publish = editor_client.post(
        _cell(published.track), {"level": 5, "importance": 3}, headers=HTMX
    )

    assert response.status_code == after_publish.status_code == 409
    assert "published or discarded meanwhile, so your change was not saved" in after_publish.text
    assert _stored(published) == before
    assert _stored(draft) == before


@pytest.mark.parametrize(("skills", "roles"), [(5, 2), (40, 8)])
def test_a_cell_save_takes_a_fixed_number_of_queries(
    editor_client, skills, roles, django_assert_num_queries
):
    track = make_ladder(skills=skills, roles=roles).track
    track.start_draft()
    url = _cell(track, f"role-{roles}", f"skill-{skills - 1}")

    with django_assert_num_queries(CELL_SAVE_QUERIES):
        response = editor_client.post(url, {"level": 1, "importance": 1}, headers=HTMX)

    assert response.status_code == 200


# ---------- Two admins on one cell ----------------------------------------------------------


def test_the_later_save_wins_and_tells_the_admin_what_changed_under_them(draft, editor_client):
    alice = Client()
    alice.force_login(make_editor(username="alice"))
    # Both opened the cell while it was 2 Working, important.
    seen = {"was_level": 2, "was_importance": 2}
    alice.post(_cell(draft.track), {"level": 3, "importance": 2, **seen}, headers=HTMX)

    response = editor_client.post(
        _cell(draft.track), {"level": 5, "importance": 3, **seen}, headers=HTMX
    )

    assert _stored(draft) == (5, 3)
    notice = re.search(r'<p class="cell-message" role="status">(.*?)</p>', response.text)
    assert re.fullmatch(
        r"Changed by alice at \d\d:\d\d on \d\d \w{3} from 2 Working, important to "
        r"3 Practitioner, important; your value was saved\.",
        notice.group(1),
    )
    # Nothing is lost silently: both changes are in the log, in order.
    assert list(
        AuditEntry.objects.filter(version=draft, action="changed")
        .order_by("pk")
        .values_list("actor", "after")
    ) == [("alice", "3 Practitioner, important"), ("editor", "5 Expert, essential")]


def test_without_javascript_the_change_under_you_is_a_warning_message(draft, editor_client):
    alice = Client()
    alice.force_login(make_editor(username="alice"))
    alice.post(_cell(draft.track), {"level": 1, "importance": 1})

    response = editor_client.post(
        _cell(draft.track), {"level": 4, "importance": 2, "was_level": 2, "was_importance": 2}
    )

    [message] = _messages(response)
    assert message.startswith("Changed by alice at ")
    assert message.endswith(
        "from 2 Working, important to 1 Awareness, nice to have; your value was saved. "
        "Saved: Role 2 needs Skill 1 at 4 Advanced, important."
    )


# ---------- Discarding and the audit log ----------------------------------------------------


def test_discarding_asks_first_then_removes_the_draft_and_logs_it(editor_client, draft):
    editor_client.post(_cell(draft.track), {"level": 4, "importance": 3}, headers=HTMX)

    asked = editor_client.get(f"{_grid(draft.track)}discard/")
    done = editor_client.post(f"{_grid(draft.track)}discard/")

    assert "throws away draft v2 and its 1 change" in asked.text
    assert done.status_code == 303
    assert not MatrixVersion.objects.filter(pk=draft.pk).exists()
    entry = AuditEntry.objects.get(action="discarded")
    assert (entry.summary, entry.version) == ("Discarded draft v2 and its 1 change", None)


def test_the_draft_shows_every_change_with_who_when_and_old_to_new(editor_client, published):
    editor_client.post(_grid(published.track))
    draft = published.track.draft_version()
    editor_client.post(_cell(draft.track), {"level": 4, "importance": 3}, headers=HTMX)

    page = editor_client.get(f"{_grid(draft.track)}changes/").text

    assert "Role 2: Skill 1 from 2 Working, important to 4 Advanced, essential" in page
    assert "Started draft v2 as a copy of v1" in page
    assert page.count("· editor</span>") == 2
