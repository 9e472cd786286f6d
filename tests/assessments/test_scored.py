"""Reading the scoring engine's input from a stored matrix version."""

import pytest

from assessments.models import Assessment
from assessments.scored import (
    _PUBLISHED_MATRICES,
    published_matrix,
    published_statements,
    scoring_matrix,
)
from roles.models import MatrixVersion, Skill
from tests.factories import AssessmentFactory, make_ladder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("skills", "roles"), [(10, 2), (150, 8)])
def test_the_scoring_loader_uses_four_queries_whatever_the_size(
    django_assert_num_queries, skills, roles
):
    version = make_ladder(skills=skills, roles=roles)
    version = MatrixVersion.objects.get(pk=version.pk)
    with django_assert_num_queries(4):
        matrix = scoring_matrix(version)
    assert len(matrix.skills) == skills
    assert [role.rank for role in matrix.roles] == list(range(1, roles + 1))
    assert sum(len(role.requirements) for role in matrix.roles) == skills * roles


def test_a_published_versions_matrix_is_built_once(django_assert_num_queries):
    version = MatrixVersion.objects.get(pk=make_ladder(skills=10, roles=2).pk)
    read_again = MatrixVersion.objects.get(pk=version.pk)
    with django_assert_num_queries(4):
        first = published_matrix(version)
    with django_assert_num_queries(0):
        again = published_matrix(read_again)
    assert again is first


def test_a_drafts_matrix_is_read_afresh_so_edits_show(django_assert_num_queries):
    draft = make_ladder(skills=10, roles=2, publish=False)
    with django_assert_num_queries(4):
        before = published_matrix(draft)
    Skill.objects.filter(version=draft, slug="skill-0").update(name="Renamed")
    with django_assert_num_queries(4):
        after = published_matrix(draft)
    assert before.skills[0].name == "Skill 0"
    assert after.skills[0].name == "Renamed"


def test_the_matrices_kept_are_bounded():
    for _ in range(_PUBLISHED_MATRICES.size + 3):
        published_matrix(make_ladder(skills=2, roles=1))
    assert len(_PUBLISHED_MATRICES) == _PUBLISHED_MATRICES.size


def test_a_published_versions_level_statements_are_read_once(django_assert_num_queries):
    first = AssessmentFactory(version=make_ladder(skills=10, roles=2))
    other = Assessment.objects.select_related("version").get(
        pk=AssessmentFactory(version=first.version).pk
    )
    with django_assert_num_queries(1):
        statements = published_statements(first)
    with django_assert_num_queries(0):
        again = published_statements(other)
    assert again == statements == first.level_statements()
    assert statements["skill-0"]["1"] == "Skill 0, level 1: does thing 1."


def test_a_drafts_level_statements_are_read_afresh_so_edits_show(django_assert_num_queries):
    assessment = AssessmentFactory(version=make_ladder(skills=10, roles=2, publish=False))
    published_statements(assessment)
    Skill.objects.filter(version=assessment.version, slug="skill-0").update(levels={"1": "New"})
    with django_assert_num_queries(1):
        assert published_statements(assessment)["skill-0"] == {"1": "New"}
