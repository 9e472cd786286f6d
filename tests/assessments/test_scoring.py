"""Worked examples for the scoring engine, each computed by hand (arithmetic in the comments).

Pure Python: nothing here needs Django or a database.
"""

import enum
import json
from fractions import Fraction

import pytest

from assessments.scoring import (
    Matrix,
    MatrixCategory,
    MatrixRequirement,
    MatrixRole,
    MatrixSkill,
    gap_table,
    score,
    score_role,
    to_be_ready,
)
from assessments.scoring_data import report_data

SCALE = ("None", "Awareness", "Working", "Practitioner", "Advanced", "Expert")  # N = 5


def make_matrix(
    skills: dict[str, str],
    roles: list[tuple[str, int, dict[str, tuple[int, int]]]],
    *,
    categories: list[str] | None = None,
    scale: tuple[str, ...] = SCALE,
    ready=Fraction(9, 10),
    close=Fraction(3, 4),
) -> Matrix:
    """skills: slug -> category, in skill order; roles: (slug, rank, {skill: (level, importance)}).

    Categories come in order of first use unless given.
    """
    categories = categories or list(dict.fromkeys(skills.values()))
    return Matrix(
        scale=scale,
        ready_threshold=ready,
        close_threshold=close,
        categories=tuple(MatrixCategory(slug, slug.title()) for slug in categories),
        skills=tuple(
            MatrixSkill(slug, slug.title(), category) for slug, category in skills.items()
        ),
        roles=tuple(
            MatrixRole(
                slug,
                slug.replace("-", " ").title(),
                rank,
                tuple(MatrixRequirement(skill, *need) for skill, need in requires.items()),
            )
            for slug, rank, requires in roles
        ),
    )


def mini_mlops() -> Matrix:
    """The ladder of the worked example in docs/scoring.md."""
    return make_matrix(
        {
            "python": "technical",
            "ml-pipelines": "technical",
            "monitoring": "operational",
            "communication": "soft-skills",
            "docker": "tools",
        },
        [
            (
                "junior",
                1,
                {"python": (2, 3), "docker": (2, 2), "monitoring": (1, 1), "communication": (2, 2)},
            ),
            (
                "engineer",
                2,
                {
                    "python": (3, 3),
                    "docker": (3, 2),
                    "ml-pipelines": (3, 3),
                    "monitoring": (2, 2),
                    "communication": (3, 2),
                },
            ),
            (
                "senior",
                3,
                {
                    "python": (4, 3),
                    "docker": (3, 2),
                    "ml-pipelines": (4, 3),
                    "monitoring": (4, 3),
                    "communication": (4, 2),
                },
            ),
        ],
    )


DOCS_RATINGS = {"python": 4, "docker": 3, "ml-pipelines": 2, "monitoring": 2, "communication": 3}


def slugs(role_scores) -> list[str]:
    return [role_score.slug for role_score in role_scores]


def gap_skills(role_score) -> list[str]:
    return [gap.skill for gap in role_score.gaps]


def test_worked_example_from_the_docs():
    result = score(mini_mlops(), DOCS_RATINGS)
    junior, engineer, senior = result.roles

    # junior: 3*min(4,2) + 2*min(3,2) + 1*min(2,1) + 2*min(3,2) = 6+4+1+4 = 15 of 6+4+1+4 = 15
    assert (junior.covered, junior.total, junior.coverage) == (15, 15, 1)
    assert junior.verdict == "ready"
    assert junior.gaps == ()

    # engineer: python 3*3=9, docker 2*3=6, ml-pipelines 3*2=6 (of 9), monitoring 2*2=4,
    # communication 2*3=6 -> 31 of 9+6+9+4+6 = 34 = 0.9118 >= 0.9, but ml-pipelines is
    # essential and one level short, so it blocks: close.
    assert (engineer.covered, engineer.total) == (31, 34)
    assert engineer.coverage == Fraction(31, 34)
    assert engineer.verdict == "close"
    assert [gap.skill for gap in engineer.blocking] == ["ml-pipelines"]
    assert engineer.steps_to_close == 1

    # senior: python 3*4=12, docker 2*3=6, ml-pipelines 3*2=6 (of 12), monitoring 3*2=6 (of 12),
    # communication 2*3=6 (of 8) -> 36 of 50 = 0.72 < 0.75: gap.
    assert (senior.covered, senior.total) == (36, 50)
    assert senior.verdict == "gap"
    # ml-pipelines and monitoring tie on priority (3*2 = 6) and required level (4): technical
    # comes before operational. communication: 2*1 = 2.
    assert gap_skills(senior) == ["ml-pipelines", "monitoring", "communication"]
    assert [gap.priority for gap in senior.gaps] == [6, 6, 2]
    assert senior.steps_to_close == 2 + 2 + 1

    assert result.current_fit is junior
    assert slugs(result.next_roles) == ["engineer"]
    assert slugs(result.path) == ["engineer", "senior"]
    # Python 4 is above the 3 engineer (the next role) asks for; docker 3 only meets it.
    assert [(s.skill, s.rated, s.required) for s in result.strengths] == [("python", 4, 3)]
    assert result.reviewed is None


def test_over_skill_in_one_area_does_not_buy_coverage_in_another():
    # Python at 5 instead of 4 changes nothing: each requirement counts up to its level.
    matrix = mini_mlops()
    assert score(matrix, DOCS_RATINGS | {"python": 5}).roles == score(matrix, DOCS_RATINGS).roles


def test_all_zero_ratings():
    result = score(mini_mlops(), {})

    assert [role_score.coverage for role_score in result.roles] == [0, 0, 0]
    assert [role_score.verdict for role_score in result.roles] == ["gap", "gap", "gap"]
    assert result.current_fit is None
    assert slugs(result.next_roles) == ["junior"]
    assert slugs(result.path) == ["junior", "engineer", "senior"]
    assert result.strengths == ()
    junior = result.roles[0]
    # python 3*2 = 6; communication 2*2 = 4 and docker 2*2 = 4 tie on priority and level 2,
    # soft-skills comes before tools; monitoring 1*1 = 1.
    assert gap_skills(junior) == ["python", "communication", "docker", "monitoring"]
    assert [gap.priority for gap in junior.gaps] == [6, 4, 4, 1]
    assert junior.steps_to_close == 2 + 2 + 2 + 1
    assert [gap.skill for gap in junior.blocking] == ["python"]


def test_all_at_maximum():
    result = score(mini_mlops(), dict.fromkeys(DOCS_RATINGS, 5))

    assert all(role_score.coverage == 1 for role_score in result.roles)
    assert all(role_score.verdict == "ready" for role_score in result.roles)
    assert result.current_fit.slug == "senior"
    assert result.next_roles == ()
    assert result.path == ()
    # At the top, strengths are measured against the current fit (senior): docker 5 vs 3 is
    # the widest margin; the rest are 5 vs 4, in category then skill order.
    assert [(s.skill, s.rated - s.required) for s in result.strengths] == [
        ("docker", 2),
        ("python", 1),
        ("ml-pipelines", 1),
        ("monitoring", 1),
        ("communication", 1),
    ]


def twenty_skills_matrix(**thresholds) -> Matrix:
    # 20 skills, each level 5, importance 1: total = 20 * 5 * 1 = 100 points.
    skills = {f"skill-{i:02}": "technical" for i in range(20)}
    return make_matrix(skills, [("engineer", 1, dict.fromkeys(skills, (5, 1)))], **thresholds)


def ratings_covering(points: int) -> dict[str, int]:
    """Whole skills at 5 then the remainder on one skill: covers exactly `points` of 100."""
    full, rest = divmod(points, 5)
    ratings = {f"skill-{i:02}": 5 for i in range(full)}
    if rest:
        ratings[f"skill-{full:02}"] = rest
    return ratings


@pytest.mark.parametrize(
    ("points", "verdict"),
    [
        (100, "ready"),
        (90, "ready"),  # 90/100 = 9/10 exactly: meets the ready threshold
        (89, "close"),  # 89/100 < 9/10: just below ready
        (75, "close"),  # 75/100 = 3/4 exactly: meets the close threshold
        (74, "gap"),  # 74/100 < 3/4: just below close
        (0, "gap"),
    ],
)
def test_thresholds_are_met_exactly_at_their_value(points, verdict):
    engineer = score(twenty_skills_matrix(), ratings_covering(points)).roles[0]

    assert engineer.coverage == Fraction(points, 100)
    assert engineer.verdict == verdict


def test_thresholds_that_are_not_decimals_compare_exactly():
    # Three skills at level 1, importance 1: two of them rated covers 2/3 exactly.
    matrix = make_matrix(
        {"a": "technical", "b": "technical", "c": "technical"},
        [("engineer", 1, {"a": (1, 1), "b": (1, 1), "c": (1, 1)})],
        ready=Fraction(2, 3),
        close=Fraction(1, 3),
    )
    assert score(matrix, {"a": 1, "b": 1}).roles[0].verdict == "ready"  # 2/3 >= 2/3
    assert score(matrix, {"a": 1}).roles[0].verdict == "close"  # 1/3 >= 1/3
    assert score(matrix, {}).roles[0].verdict == "gap"  # 0 < 1/3


def test_a_float_threshold_means_the_decimal_it_prints_as():
    # 0.9 as a float is a hair above 9/10; it is read as 9/10, so 90/100 still meets it.
    matrix = twenty_skills_matrix(ready=0.9, close=0.75)
    assert score(matrix, ratings_covering(90)).roles[0].verdict == "ready"
    assert score(matrix, ratings_covering(89)).roles[0].verdict == "close"


def test_an_essential_gap_blocks_an_otherwise_ready_role():
    # a: level 1, importance 3 (essential) = 3 points; b, c, d: level 5, importance 2 = 10 each.
    # Total 3 + 30 = 33. With a at 0 and the rest at 5: 30/33 = 0.909 >= 0.9, yet a blocks.
    skills = {"a": "technical", "b": "technical", "c": "operational", "d": "tools"}
    requires = {"a": (1, 3), "b": (5, 2), "c": (5, 2), "d": (5, 2)}
    matrix = make_matrix(skills, [("lead", 1, requires)])
    lead = score(matrix, {"b": 5, "c": 5, "d": 5}).roles[0]

    assert lead.coverage == Fraction(30, 33)
    assert lead.coverage >= Fraction(9, 10)
    assert [gap.skill for gap in lead.blocking] == ["a"]
    assert lead.verdict == "close"

    # Rated 1, a no longer blocks: 33/33.
    assert score(matrix, {"a": 1, "b": 5, "c": 5, "d": 5}).roles[0].verdict == "ready"

    # The same gap on an important (not essential) requirement does not block:
    # 2*1 + 30 = 32 points, 30/32 = 0.9375 >= 0.9.
    matrix = make_matrix(skills, [("lead", 1, requires | {"a": (1, 2)})])
    lead = score(matrix, {"b": 5, "c": 5, "d": 5}).roles[0]
    assert lead.blocking == ()
    assert lead.verdict == "ready"


def forked_ladder() -> Matrix:
    return make_matrix(
        {"python": "technical", "ml": "technical", "infra": "tools"},
        [
            ("junior", 1, {"python": (1, 2)}),
            ("ml-engineer", 2, {"python": (3, 3), "ml": (3, 3)}),
            ("platform-engineer", 2, {"python": (3, 3), "infra": (3, 3)}),
            ("lead", 3, {"python": (4, 3), "ml": (4, 2), "infra": (4, 2)}),
        ],
    )


def test_two_roles_sharing_a_rank_are_both_next():
    result = score(forked_ladder(), {"python": 4, "ml": 1})

    # junior: 2*min(4,1) = 2 of 2: ready. ml-engineer: 3*3 + 3*1 = 12 of 18 = 2/3: gap.
    # platform-engineer: 3*3 + 0 = 9 of 18 = 1/2: gap. lead: 3*4 + 2*1 + 0 = 14 of 28: gap.
    assert [rs.coverage for rs in result.roles] == [
        1,
        Fraction(2, 3),
        Fraction(1, 2),
        Fraction(1, 2),
    ]
    assert result.current_fit.slug == "junior"
    assert slugs(result.next_roles) == ["ml-engineer", "platform-engineer"]
    assert slugs(result.path) == ["ml-engineer", "platform-engineer", "lead"]
    # Python 4 is above the 3 both next roles ask for.
    assert [(s.skill, s.rated, s.required) for s in result.strengths] == [("python", 4, 3)]


def test_a_sibling_of_the_current_fit_is_not_ahead_of_it():
    result = score(forked_ladder(), {"python": 3, "ml": 3})

    # ml-engineer: 9 + 9 = 18 of 18: ready. platform-engineer: 9 of 18: gap, same rank.
    assert result.current_fit.slug == "ml-engineer"
    assert slugs(result.next_roles) == ["lead"]
    assert slugs(result.path) == ["lead"]


def test_ranks_with_holes():
    matrix = make_matrix(
        {"x": "technical"},
        [("a", 1, {"x": (1, 1)}), ("b", 2, {"x": (2, 1)}), ("d", 4, {"x": (4, 1)})],
    )

    # x at 2: a 1/1 ready, b 2/2 ready, d 2/4 gap. Rank 3 does not exist: d is next.
    result = score(matrix, {"x": 2})
    assert result.current_fit.slug == "b"
    assert slugs(result.next_roles) == ["d"]
    assert slugs(result.path) == ["d"]

    result = score(matrix, {"x": 1})
    assert result.current_fit.slug == "a"
    assert slugs(result.next_roles) == ["b"]
    assert slugs(result.path) == ["b", "d"]

    result = score(matrix, {})
    assert result.current_fit is None
    assert slugs(result.next_roles) == ["a"]
    assert slugs(result.path) == ["a", "b", "d"]


def test_a_role_without_requirements_is_covered_and_ready():
    matrix = make_matrix({"x": "technical"}, [("apprentice", 1, {}), ("junior", 2, {"x": (2, 3)})])
    result = score(matrix, {})
    apprentice = result.roles[0]

    assert (apprentice.covered, apprentice.total) == (0, 0)
    assert apprentice.coverage == 1
    assert apprentice.coverage_float == 1.0
    assert apprentice.verdict == "ready"
    assert apprentice.gaps == apprentice.blocking == apprentice.categories == ()
    assert apprentice.steps_to_close == 0
    assert result.current_fit is apprentice
    assert slugs(result.next_roles) == ["junior"]
    assert report_data(result)["roles"][0]["coverage"] == 1.0


def test_a_skill_no_role_requires_changes_nothing():
    base = mini_mlops()
    matrix = Matrix(
        scale=base.scale,
        ready_threshold=base.ready_threshold,
        close_threshold=base.close_threshold,
        categories=base.categories,
        skills=(*base.skills, MatrixSkill("kubernetes", "Kubernetes", "tools")),
        roles=base.roles,
    )

    assert score(matrix, DOCS_RATINGS | {"kubernetes": 5}) == score(matrix, DOCS_RATINGS)
    assert score(matrix, dict.fromkeys(DOCS_RATINGS, 5) | {"kubernetes": 5}).strengths == (
        score(matrix, dict.fromkeys(DOCS_RATINGS, 5)).strengths
    )


def test_ratings_for_unknown_skills_are_ignored():
    matrix = mini_mlops()
    # Even levels no scale has: the skill is not in this matrix, so it is not a rating here.
    extra = {"cobol": 3, "fortran": 99}

    assert score(matrix, DOCS_RATINGS | extra) == score(matrix, DOCS_RATINGS)
    assert score(matrix, DOCS_RATINGS, extra) == score(matrix, DOCS_RATINGS, {})


def test_the_top_role_as_current_fit_leaves_nothing_ahead():
    # senior: 3*4 + 2*3 + 3*4 + 3*4 + 2*4 = 50 of 50.
    ratings = {"python": 4, "docker": 5, "ml-pipelines": 4, "monitoring": 4, "communication": 4}
    result = score(mini_mlops(), ratings)

    assert result.current_fit.slug == "senior"
    assert result.next_roles == ()
    assert result.path == ()
    # Nothing ahead: strengths are against senior itself; only docker (5 > 3) exceeds it.
    assert [(s.skill, s.rated, s.required) for s in result.strengths] == [("docker", 5, 3)]
    assert report_data(result)["next_roles"] == []
    assert report_data(result)["path"] == []


def test_gap_ordering_tie_breaks():
    # Skill order, category order and alphabetical order all differ, so each tie-break shows.
    matrix = make_matrix(
        {
            "zeta": "tech",
            "alpha": "ops",
            "mid": "tech",
            "beta": "ops",
            "omega": "tech",
            "gamma": "tech",
        },
        [
            (
                "engineer",
                1,
                {
                    "gamma": (2, 2),  # priority 2*2 = 4, level 2, tech, skill 6th
                    "zeta": (2, 3),  # priority 3*2 = 6, level 2
                    "mid": (4, 1),  # priority 1*4 = 4, level 4
                    "omega": (2, 2),  # priority 4, level 2, tech, skill 5th
                    "alpha": (3, 2),  # priority 2*3 = 6, level 3
                    "beta": (2, 2),  # priority 4, level 2, ops
                },
            )
        ],
        categories=["ops", "tech"],
    )
    engineer = score(matrix, {}).roles[0]

    # alpha before zeta: same priority 6, higher level. mid (level 4) leads the priority-4
    # group; beta (ops) comes before omega and gamma (tech); omega before gamma by skill order.
    assert gap_skills(engineer) == ["alpha", "zeta", "mid", "beta", "omega", "gamma"]
    # Priority beats level: zeta (6, level 2) comes before mid (4, level 4).
    # Priority counts the gap, not the level: at mid 3, its priority is 1*1 = 1, so it drops.
    assert gap_skills(score(matrix, {"mid": 3}).roles[0])[-1] == "mid"


def test_reviewed_score_uses_mentor_levels_where_given():
    matrix = mini_mlops()
    result = score(matrix, DOCS_RATINGS, {"python": 3, "ml-pipelines": 3})
    reviewed = result.reviewed

    # Self ratings are untouched.
    assert result.current_fit.slug == "junior"
    assert result.roles == score(matrix, DOCS_RATINGS).roles
    # Reviewed engineer: python 3*3 = 9, docker 6, ml-pipelines 3*3 = 9, monitoring 4,
    # communication 6 -> 34 of 34. Reviewed senior: 9 + 6 + 9 + 6 + 6 = 36 of 50 = 0.72.
    assert [rs.coverage for rs in reviewed.roles] == [1, 1, Fraction(36, 50)]
    assert [rs.verdict for rs in reviewed.roles] == ["ready", "ready", "gap"]
    assert reviewed.current_fit.slug == "engineer"
    assert slugs(reviewed.next_roles) == ["senior"]
    # The mentor put python at 3: no longer above what senior asks (4).
    assert reviewed.strengths == ()
    # docker, monitoring and communication kept the self levels.
    assert [(g.skill, g.rated) for g in reviewed.roles[2].gaps] == [
        ("monitoring", 2),
        ("python", 3),
        ("ml-pipelines", 3),
        ("communication", 3),
    ]
    assert reviewed.reviewed is None


def test_one_role_scores_alone_from_levels_in_skill_order():
    matrix = mini_mlops()
    # python, ml-pipelines, monitoring, communication, docker: the docs' ratings in skill order.
    levels = [4, 2, 2, 3, 3]

    senior = score_role(matrix, "senior", levels)

    assert senior == score(matrix, DOCS_RATINGS).role("senior")
    assert (senior.covered, senior.total, senior.verdict) == (36, 50, "gap")
    assert gap_skills(senior) == ["ml-pipelines", "monitoring", "communication"]


def test_a_role_scored_alone_keeps_its_gaps_when_the_levels_passed_in_change():
    # A cohort view reuses one list for person after person; each score keeps its own gaps.
    levels = [4, 2, 2, 3, 3]
    senior = score_role(mini_mlops(), "senior", levels)

    levels[:] = [5, 5, 5, 5, 5]

    assert gap_skills(senior) == ["ml-pipelines", "monitoring", "communication"]


def test_the_gap_table_of_a_role_gives_the_gap_at_every_level():
    table = gap_table(mini_mlops(), "engineer")

    # Engineer requires Python 3, Docker 3, ML pipelines 3, Monitoring 2, Communication 3.
    assert table == {
        "python": (3, 2, 1, 0, 0, 0),
        "ml-pipelines": (3, 2, 1, 0, 0, 0),
        "monitoring": (2, 1, 0, 0, 0, 0),
        "communication": (3, 2, 1, 0, 0, 0),
        "docker": (3, 2, 1, 0, 0, 0),
    }


@pytest.mark.parametrize(
    ("role", "levels"),
    [
        ("senior", [4, 2, 2, 3]),
        ("senior", [4, 2, 2, 3, 3, 1]),
        ("senior", [4, 2, 2, 3, 6]),
        ("senior", [4, 2, -1, 3, 3]),
        ("director", [4, 2, 2, 3, 3]),
    ],
    ids=["too-few", "too-many", "above-scale", "negative", "unknown-role"],
)
def test_scoring_one_role_refuses_levels_it_cannot_place(role, levels):
    with pytest.raises((ValueError, KeyError)):
        score_role(mini_mlops(), role, levels)


def test_reviewed_is_none_without_a_review_and_the_self_score_with_an_empty_one():
    matrix = mini_mlops()
    assert score(matrix, DOCS_RATINGS).reviewed is None
    assert score(matrix, DOCS_RATINGS, {}).reviewed == score(matrix, DOCS_RATINGS)


def test_report_data_shape_and_rounding():
    data = report_data(score(mini_mlops(), DOCS_RATINGS))

    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "scale",
        "thresholds",
        "roles",
        "current_fit",
        "next_roles",
        "path",
        "strengths",
    }
    assert data["scale"] == list(SCALE)
    assert data["thresholds"] == {"ready": 0.9, "close": 0.75}
    assert data["current_fit"] == "junior"
    assert data["next_roles"] == ["engineer"]
    engineer = data["roles"][1]
    assert engineer == {
        "slug": "engineer",
        "title": "Engineer",
        "rank": 2,
        "coverage": 0.9118,  # 31/34 = 0.911764...
        "verdict": "close",
        "blocking": ["ml-pipelines"],
        "gaps": [
            {
                "skill": "ml-pipelines",
                "category": "technical",
                "required": 3,
                "rated": 2,
                "gap": 1,
                "importance": 3,
                "priority": 3,
            }
        ],
        "steps_to_close": 1,
        "categories": [
            # technical: python 3*3 + ml-pipelines 3*2 = 15 of 18 = 0.8333; 1 of 2 met.
            {"category": "technical", "coverage": 0.8333, "requirements": 2, "met": 1},
            {"category": "operational", "coverage": 1.0, "requirements": 1, "met": 1},
            {"category": "soft-skills", "coverage": 1.0, "requirements": 1, "met": 1},
            {"category": "tools", "coverage": 1.0, "requirements": 1, "met": 1},
        ],
    }
    assert [role["coverage"] for role in data["roles"]] == [1.0, 0.9118, 0.72]
    assert [step["role"] for step in data["path"]] == ["engineer", "senior"]
    assert data["path"][1]["coverage"] == 0.72
    assert data["path"][1]["verdict"] == "gap"
    assert [gap["skill"] for gap in data["path"][1]["gaps"]] == [
        "ml-pipelines",
        "monitoring",
        "communication",
    ]
    assert data["strengths"] == [
        {"skill": "python", "category": "technical", "rated": 4, "required": 3}
    ]


def test_report_data_has_reviewed_only_when_a_review_exists():
    matrix = mini_mlops()
    assert "reviewed" not in report_data(score(matrix, DOCS_RATINGS))

    data = report_data(score(matrix, DOCS_RATINGS, {"ml-pipelines": 3}))
    reviewed = data["reviewed"]
    assert json.loads(json.dumps(data)) == data
    assert set(reviewed) == set(data) - {"reviewed"}
    # Engineer reviewed: 31 + 3 = 34 of 34.
    assert reviewed["current_fit"] == "engineer"
    assert reviewed["roles"][1]["coverage"] == 1.0


@pytest.mark.parametrize("level", [-1, 6, 2.5, 3.0, True, "3", None, [3]])
def test_a_rating_outside_the_scale_raises(level):
    with pytest.raises(ValueError, match="python"):
        score(mini_mlops(), {"python": level})


def test_a_mentor_level_outside_the_scale_raises():
    with pytest.raises(ValueError, match="docker"):
        score(mini_mlops(), DOCS_RATINGS, {"docker": 6})


def test_current_fit_among_ready_roles_of_one_rank_is_the_best_covered_then_the_first():
    matrix = make_matrix(
        {"a": "technical", "b": "technical"},
        [
            ("generalist", 1, {"a": (1, 1), "b": (2, 1)}),
            ("specialist", 1, {"a": (1, 1), "b": (1, 1)}),
            ("twin", 1, {"a": (1, 1), "b": (1, 1)}),
        ],
        ready=Fraction(1, 2),
        close=Fraction(1, 4),
    )

    # generalist: 1 + 1 = 2 of 3; specialist and twin: 2 of 2. All ready (>= 1/2).
    result = score(matrix, {"a": 1, "b": 1})
    assert all(rs.verdict == "ready" for rs in result.roles)
    # specialist and twin tie at 1: the first in input order wins.
    assert result.current_fit.slug == "specialist"
    assert result.next_roles == result.path == ()

    # generalist 3 of 3, specialist and twin 2 of 2: all at 1, the first in input order.
    assert score(matrix, {"a": 1, "b": 2}).current_fit.slug == "generalist"


def test_roles_come_in_ladder_order_and_equal_ranks_keep_input_order():
    matrix = make_matrix(
        {"x": "technical"},
        [("c", 3, {}), ("b2", 2, {}), ("a", 1, {}), ("b1", 2, {})],
    )
    assert slugs(score(matrix, {}).roles) == ["a", "b2", "b1", "c"]


def test_the_order_of_the_ratings_mapping_does_not_matter():
    matrix = mini_mlops()
    reversed_ratings = dict(reversed(DOCS_RATINGS.items()))
    assert score(matrix, reversed_ratings) == score(matrix, DOCS_RATINGS)


def test_a_ladder_without_roles_scores_to_nothing():
    result = score(make_matrix({"x": "technical"}, []), {"x": 3})
    assert result.roles == result.next_roles == result.path == result.strengths == ()
    assert result.current_fit is None


@pytest.mark.parametrize(
    "requires",
    [
        {"cobol": (1, 1)},  # a skill the matrix does not hold
        {"x": (0, 1)},  # a level below 1
        {"x": (6, 1)},  # a level above the scale
        {"x": (1, 4)},  # an importance above 3
    ],
)
def test_a_malformed_matrix_is_refused(requires):
    matrix = make_matrix({"x": "technical"}, [("engineer", 1, requires)])
    with pytest.raises(ValueError, match="engineer"):
        score(matrix, {})


def test_a_level_given_as_an_int_enum_counts_as_its_number():
    # Django's IntegerChoices are IntEnums; a level from one must score like the plain int.
    class Level(enum.IntEnum):
        WORKING = 2
        ADVANCED = 4

    ratings = DOCS_RATINGS | {"python": Level.ADVANCED, "ml-pipelines": Level.WORKING}
    assert score(mini_mlops(), ratings) == score(mini_mlops(), DOCS_RATINGS)


# --- What it takes to be ready ------------------------------------------------------------------


def test_to_be_ready_for_a_role_close_every_essential_gap():
    result = score(mini_mlops(), DOCS_RATINGS)
    _, engineer, senior = result.roles
    ready = mini_mlops().ready_threshold

    # Engineer: ML pipelines blocks; closed, 34/34.
    assert [gap.skill for gap in to_be_ready(engineer, ready)] == ["ml-pipelines"]
    # Senior: both essential gaps, 36 + 6 + 6 = 48/50 = 96 % >= 90 %: communication can wait.
    assert [gap.skill for gap in to_be_ready(senior, ready)] == ["ml-pipelines", "monitoring"]


def test_to_be_ready_takes_the_highest_priorities_until_coverage_reaches_the_threshold():
    matrix = make_matrix(
        {"a": "t", "b": "t", "c": "t", "d": "t"},
        [("role", 1, {"a": (4, 2), "b": (2, 1), "c": (3, 2), "d": (5, 1)})],
    )
    # covered 2*1 + 1*0 + 2*3 + 1*1 = 9 of 8 + 2 + 6 + 5 = 21; gaps by priority:
    # a 2*3 = 6, d 1*4 = 4, b 1*2 = 2. 9 + 6 = 15 (71 %), + 4 = 19 (90.5 %): ready.
    role = score(matrix, {"a": 1, "b": 0, "c": 3, "d": 1}).roles[0]
    assert [gap.skill for gap in to_be_ready(role, Fraction(9, 10))] == ["a", "d"]
    # With the threshold exactly at 19/21, the same two; one point higher, all three.
    assert [gap.skill for gap in to_be_ready(role, Fraction(19, 21))] == ["a", "d"]
    assert [gap.skill for gap in to_be_ready(role, Fraction(20, 21))] == ["a", "d", "b"]


def test_nothing_to_close_for_a_ready_role_or_one_without_requirements():
    result = score(mini_mlops(), DOCS_RATINGS)
    assert to_be_ready(result.roles[0], Fraction(9, 10)) == ()
    empty = score(make_matrix({"a": "t"}, [("role", 1, {})]), {}).roles[0]
    assert to_be_ready(empty, Fraction(9, 10)) == ()
