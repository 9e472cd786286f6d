"""Reading the scoring engine's input from a stored matrix version."""

import pytest

from assessments.scored import scoring_matrix
from roles.models import MatrixVersion
from tests.factories import make_ladder

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
