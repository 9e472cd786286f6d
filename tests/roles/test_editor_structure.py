"""Skills, categories and roles of a draft in the editor: added, renamed, reordered and removed
(asking first when something else uses them), slugs derived from names and kept once
published, and every refusal readable with nothing changed."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from roles.audit import AuditEntry
from roles.models import Category, Requirement, Role, Skill
from tests.factories import make_ladder

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    published = make_ladder(skills=6, roles=3, categories=2)
    return published.track.start_draft()


def _edit(draft, path: str = "") -> str:
    return f"/roles/{draft.track.slug}/edit/{path}"


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _new_skill(draft, **changes) -> dict:
    category = draft.categories.get(slug="cat-1")
    roles = {role.slug: role for role in draft.roles.all()}
    data = {
        "name": "Feature stores",
        "category": category.pk,
        "description": "Serving features consistently to training and inference.",
        "level_1": "Knows what a feature store is for.",
        "level_3": "Runs a feature store in production.",
        f"role_{roles['role-1'].pk}_level": 0,
        f"role_{roles['role-1'].pk}_importance": 2,
        f"role_{roles['role-2'].pk}_level": 2,
        f"role_{roles['role-2'].pk}_importance": 2,
        f"role_{roles['role-3'].pk}_level": 4,
        f"role_{roles['role-3'].pk}_importance": 3,
    }
    return data | changes


# ---------- Skills ---------------------------------------------------------------------------


def test_a_skill_is_added_with_its_statements_and_the_roles_that_require_it(editor_client, draft):
    form = editor_client.get(_edit(draft, "skills/new/?category=cat-1")).text
    response = editor_client.post(_edit(draft, "skills/new/"), _new_skill(draft))

    assert '<label for="id_level_3">3 · Practitioner:</label>' in form
    assert response.status_code == 303
    assert response["Location"] == _edit(draft, "#skill-feature-stores")
    skill = draft.skills.get(slug="feature-stores")
    assert skill.category.slug == "cat-1"
    assert skill.levels == {
        "1": "Knows what a feature store is for.",
        "3": "Runs a feature store in production.",
    }
    assert skill.position == max(
        draft.skills.filter(category__slug="cat-1").values_list("position", flat=True)
    )
    assert dict(Requirement.objects.filter(skill=skill).values_list("role__slug", "level")) == {
        "role-2": 2,
        "role-3": 4,
    }
    assert _messages(response) == ["Added Feature stores to Category 1, required by 2 roles."]
    entry = AuditEntry.objects.get(version=draft, action="added")
    assert entry.summary == (
        "Added the skill Feature stores to Category 1, required by Role 2 at 2 Working, "
        "important; Role 3 at 4 Advanced, essential"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Give the skill a name."),
        ({"name": "Skill 1"}, "The skill Skill 1 already has the address “skill-1”"),
        ({"name": "!!!"}, "needs at least one letter or digit from a to z"),
        ({"level_2": "x" * 501}, "Keep the statement to 500 characters (it has 501)."),
        ({"category": 999_999}, "Choose one of this draft&#x27;s categories."),
    ],
)
def test_a_bad_skill_is_refused_with_a_readable_message(editor_client, draft, changes, message):
    before = Skill.objects.count()

    response = editor_client.post(_edit(draft, "skills/new/"), _new_skill(draft, **changes))

    assert response.status_code == 400
    assert message in response.text
    assert Skill.objects.count() == before


def test_a_requirement_level_outside_the_scale_is_refused(editor_client, draft):
    role = draft.roles.get(slug="role-3")
    data = _new_skill(draft, **{f"role_{role.pk}_level": 8})

    response = editor_client.post(_edit(draft, "skills/new/"), data)

    assert response.status_code == 400
    assert "Level 8 is outside the scale 0..5" in response.text
    assert not draft.skills.filter(slug="feature-stores").exists()


def test_a_new_skills_slug_follows_its_name_and_a_published_one_stays(editor_client, draft):
    editor_client.post(_edit(draft, "skills/new/"), _new_skill(draft))
    category = draft.categories.get(slug="cat-1").pk
    renamed_new = {"name": "Feature platforms", "category": category, "description": ""}
    renamed_old = {"name": "Python 3", "category": category, "description": ""}

    editor_client.post(_edit(draft, "skills/feature-stores/"), renamed_new)
    response = editor_client.post(_edit(draft, "skills/skill-1/"), renamed_old)

    assert response.status_code == 303
    assert draft.skills.filter(slug="feature-platforms", name="Feature platforms").exists()
    kept = draft.skills.get(slug="skill-1")
    assert kept.name == "Python 3"
    assert kept.levels == {}  # the statements were cleared in the form
    assert AuditEntry.objects.filter(version=draft, action="changed").count() == 2


def test_removing_a_skill_asks_first_naming_the_roles_that_require_it(editor_client, draft):
    asked = editor_client.get(_edit(draft, "skills/skill-1/remove/"))
    done = editor_client.post(_edit(draft, "skills/skill-1/remove/"))

    assert "Role 2 requires Skill 1 at 2 Working, important" in asked.text
    assert draft.skills.filter(slug="skill-1").exists() is False
    assert done.status_code == 303
    assert not Requirement.objects.filter(role__version=draft, skill__slug="skill-1").exists()
    assert AuditEntry.objects.get(version=draft, action="removed").summary == (
        "Removed the skill Skill 1 and its 3 requirements"
    )


def test_skills_move_up_and_down_within_their_category(editor_client, draft):
    order = lambda: list(  # noqa: E731
        draft.skills.filter(category__slug="cat-1")
        .order_by("position")
        .values_list("slug", flat=True)
    )
    assert order() == ["skill-1", "skill-3", "skill-5"]

    editor_client.post(_edit(draft, "skills/skill-3/move/"), {"direction": "up"})
    assert order() == ["skill-3", "skill-1", "skill-5"]
    response = editor_client.post(_edit(draft, "skills/skill-3/move/"), {"direction": "up"})
    assert order() == ["skill-3", "skill-1", "skill-5"]
    assert _messages(response)[-1] == "Skill 3 is already at that end."
    bad = editor_client.post(_edit(draft, "skills/skill-3/move/"), {"direction": "sideways"})
    assert _messages(bad)[-1] == "Move it up, down, left or right."


# ---------- Categories -----------------------------------------------------------------------


def test_categories_are_added_renamed_and_moved(editor_client, draft):
    editor_client.post(_edit(draft, "categories/new/"), {"name": "Tools", "description": ""})
    editor_client.post(
        _edit(draft, "categories/tools/"), {"name": "Tooling", "description": "Products."}
    )
    editor_client.post(_edit(draft, "categories/tooling/move/"), {"direction": "up"})

    assert list(draft.categories.order_by("position").values_list("slug", "name")) == [
        ("cat-0", "Category 0"),
        ("tooling", "Tooling"),
        ("cat-1", "Category 1"),
    ]


def test_a_duplicate_or_empty_category_name_is_refused(editor_client, draft):
    duplicate = editor_client.post(_edit(draft, "categories/new/"), {"name": "Cat 0"})
    empty = editor_client.post(_edit(draft, "categories/new/"), {"name": "  "})

    assert duplicate.status_code == empty.status_code == 400
    assert "The category Category 0 already has the address “cat-0”" in duplicate.text
    assert Category.objects.filter(version=draft).count() == 2
    assert "Give the category a name." in empty.text


def test_removing_a_category_asks_first_and_takes_its_skills(editor_client, draft):
    asked = editor_client.get(_edit(draft, "categories/cat-1/remove/"))
    editor_client.post(_edit(draft, "categories/cat-1/remove/"))

    assert "the skill Skill 1, required by 3 roles" in asked.text
    assert list(draft.categories.values_list("slug", flat=True)) == ["cat-0"]
    assert sorted(draft.skills.values_list("slug", flat=True)) == ["skill-0", "skill-2", "skill-4"]


def test_the_last_category_cannot_be_removed(editor_client, draft):
    editor_client.post(_edit(draft, "categories/cat-1/remove/"))
    response = editor_client.post(_edit(draft, "categories/cat-0/remove/"))

    assert "A ladder needs at least one category" in _messages(response)[-1]
    assert draft.categories.count() == 1


# ---------- Roles ----------------------------------------------------------------------------


def _role(**changes) -> dict:
    data = {"title": "Staff Engineer", "rank": 4, "summary": "Leads across teams."}
    return data | changes


def test_a_role_is_added_at_its_rank(editor_client, draft):
    response = editor_client.post(_edit(draft, "roles/new/"), _role())

    assert response.status_code == 303
    role = draft.roles.get(slug="staff-engineer")
    assert (role.title, role.rank) == ("Staff Engineer", 4)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Give the role a title."),
        ({"title": "Edit"}, "“edit” is taken by the editor&#x27;s addresses"),
        ({"title": "Role 1"}, "The role Role 1 already has the address “role-1”"),
        ({"rank": 0}, "Ensure this value is greater than or equal to 1."),
        ({"salary_min": 200, "salary_max": 100}, "The lowest salary is above the highest."),
        ({"experience_min": 5, "experience_max": 2}, "The experience starts after it ends."),
        ({"salary_currency": "usd"}, "Use a three-letter code in capitals, such as USD."),
        ({"experience_max": 90}, "Give at most 80 years."),
    ],
)
def test_a_bad_role_is_refused_with_a_readable_message(editor_client, draft, changes, message):
    response = editor_client.post(_edit(draft, "roles/new/"), _role(**changes))

    assert response.status_code == 400
    assert message in response.text
    assert "Constraint" not in response.text
    assert draft.roles.count() == 3


def test_a_roles_rank_changes_and_roles_of_one_rank_swap_places(editor_client, draft):
    editor_client.post(_edit(draft, "roles/role-3/"), _role(title="Role 3", rank=2))
    editor_client.post(_edit(draft, "roles/role-3/move/"), {"direction": "left"})

    assert list(draft.roles.order_by("rank", "position").values_list("slug", "rank")) == [
        ("role-1", 1),
        ("role-3", 2),
        ("role-2", 2),
    ]


def test_removing_a_role_asks_first_naming_its_requirements(editor_client, draft):
    asked = editor_client.get(_edit(draft, "roles/role-1/remove/"))
    editor_client.post(_edit(draft, "roles/role-1/remove/"))

    assert asked.text.count("Role 1 requires ") == 6
    assert not Role.objects.filter(version=draft, slug="role-1").exists()


def test_structure_pages_without_a_draft_send_the_editor_to_start_one(editor_client, draft):
    draft.publish()

    response = editor_client.get(_edit(draft, "skills/new/"))

    assert response.status_code == 303
    assert "There is no draft to edit" in _messages(response)[0]


def test_a_structure_change_to_a_draft_published_meanwhile_is_refused(editor_client, draft):
    form_page = editor_client.get(_edit(draft, "skills/skill-1/"))
    assert form_page.status_code == 200
    draft.publish()

    response = editor_client.post(_edit(draft, "skills/skill-1/remove/"))

    assert response.status_code == 303
    assert draft.skills.filter(slug="skill-1").exists()
