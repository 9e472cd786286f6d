"""Declared drops in the editor (docs/coherence.md): removing a requirement the rung below has
offers to declare why; a requirement withdraws the drop; the review page shows the ladder
linter's findings as warnings the admin can publish through."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages

from roles.audit import AuditEntry
from roles.models import DeclaredDrop
from tests.factories import make_ladder

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft():
    # Every role requires every skill, at a level rising with rank: a clean ladder.
    return make_ladder(skills=4, roles=3, categories=1).track.start_draft()


def _edit(draft, path: str = "") -> str:
    return f"/roles/{draft.track.slug}/edit/{path}"


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _remove_requirement(client, draft, **headers):
    return client.post(
        _edit(draft, "requirements/role-3/skill-1/"), {"level": 0}, headers=headers or None
    )


def test_removing_a_requirement_the_rung_below_has_offers_to_declare_the_drop(editor_client, draft):
    response = _remove_requirement(editor_client, draft, **HTMX)

    assert f'<a href="{_edit(draft, "drops/role-3/skill-1/")}">Declare the drop</a>' in (
        response.text
    )


def test_without_javascript_it_goes_to_the_drop_page_saying_why(editor_client, draft):
    response = _remove_requirement(editor_client, draft)

    assert response.status_code == 303
    assert response["Location"] == _edit(draft, "drops/role-3/skill-1/")
    assert _messages(response)[-1].endswith(
        "Role 2, on the rung below, requires Skill 1: declare why Role 3 no longer assesses "
        "it, or the ladder checks will report a hole."
    )
    page = editor_client.get(response["Location"]).text
    assert "Role 2 requires Skill 1 at 2 · Working, on the rung below." in page


def test_a_declared_drop_shows_in_the_grid_and_is_logged(editor_client, draft):
    _remove_requirement(editor_client, draft)

    response = editor_client.post(
        _edit(draft, "drops/role-3/skill-1/"), {"reason": "Leads rather than does."}
    )

    assert response.status_code == 303
    drop = DeclaredDrop.objects.get(role__version=draft)
    assert (drop.role.slug, drop.skill.slug, drop.reason) == (
        "role-3",
        "skill-1",
        "Leads rather than does.",
    )
    grid = editor_client.get(_edit(draft)).text
    cell = re.search(r'<td id="cell-role-3--skill-1"[^>]*>(.*?)</td>', grid).group(1)
    assert "<small>dropped</small>" in cell
    assert AuditEntry.objects.filter(version=draft, action="added").get().summary == (
        "Role 3 no longer assesses Skill 1: Leads rather than does."
    )


def test_requiring_a_dropped_skill_withdraws_the_drop(editor_client, draft):
    _remove_requirement(editor_client, draft)
    editor_client.post(_edit(draft, "drops/role-3/skill-1/"), {"reason": "Leads."})

    response = editor_client.post(
        _edit(draft, "requirements/role-3/skill-1/"), {"level": 4, "importance": 2}, headers=HTMX
    )

    assert "<small>dropped</small>" not in response.text
    assert not DeclaredDrop.objects.exists()
    assert AuditEntry.objects.filter(version=draft, action="changed").first().summary == (
        "Role 3: Skill 1 from not required to 4 Advanced, important; its declared drop is withdrawn"
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Say why this rung no longer assesses the skill."), ("x" * 301, "at most 300")],
)
def test_a_drop_needs_a_short_reason(editor_client, draft, reason, message):
    _remove_requirement(editor_client, draft)

    response = editor_client.post(_edit(draft, "drops/role-3/skill-1/"), {"reason": reason})

    assert response.status_code == 400
    assert message in response.text
    assert not DeclaredDrop.objects.exists()


def test_a_required_skill_cannot_be_declared_dropped(editor_client, draft):
    response = editor_client.post(
        _edit(draft, "drops/role-3/skill-1/"), {"reason": "Not any more."}
    )

    assert response.status_code == 400
    assert "Role 3 requires Skill 1: set its level to 0 before declaring" in response.text
    assert not DeclaredDrop.objects.exists()


def test_a_drop_can_be_withdrawn(editor_client, draft):
    _remove_requirement(editor_client, draft)
    editor_client.post(_edit(draft, "drops/role-3/skill-1/"), {"reason": "Leads."})

    editor_client.post(_edit(draft, "drops/role-3/skill-1/"), {"withdraw": "1"})

    assert not DeclaredDrop.objects.exists()


def test_the_review_page_shows_the_linters_findings_as_warnings(editor_client, draft):
    _remove_requirement(editor_client, draft)

    undeclared = editor_client.get(_edit(draft, "diff/")).text
    editor_client.post(_edit(draft, "drops/role-3/skill-1/"), {"reason": "Leads."})
    declared = editor_client.get(_edit(draft, "diff/")).text

    assert re.search(
        r'Ladder checks <span class="badge badge-close">\d+ warnings?</span>', undeclared
    )
    assert "<strong>Hole:</strong> Role 2 requires Skill 1 at Working (2)" in undeclared
    assert "you can publish through them" in undeclared
    assert "Publish version 2" in undeclared
    assert "<strong>Hole:</strong>" not in declared
