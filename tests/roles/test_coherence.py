"""The ladder linter on small hand-made ladders: one test per kind of finding, forks, declared
drops, and the worst-case note checked against the scoring engine."""

from __future__ import annotations

from fractions import Fraction

from assessments import scoring
from roles.coherence import (
    ERROR,
    HOLE,
    INVERSION,
    MISSING_STATEMENT,
    NEEDLESS_DROP,
    NO_ESSENTIAL,
    NOTE,
    UNUSED_SKILL,
    WARNING,
    WORST_CASE,
    Shortfall,
    lint,
    worst_case,
)
from tests.factories import ladder_document, scoring_matrix_of


def kinds(report) -> list[tuple[str, str]]:
    return [(finding.severity, finding.kind) for finding in report.findings]


def only(report, kind: str):
    found = [finding for finding in report.findings if finding.kind == kind]
    assert len(found) == 1, report.lines()
    return found[0]


def verdicts(document: dict, levels: dict[str, int]) -> dict[str, str]:
    result = scoring.score(scoring_matrix_of(document), levels)
    return {role_score.slug: role_score.verdict for role_score in result.roles}


# A ladder that builds rung on rung: every requirement rises or holds.
CLEAN = (
    ("junior", 1, {"python": (2, 3), "sql": (1, 2)}),
    ("engineer", 2, {"python": (3, 3), "sql": (2, 2), "docker": (2, 2)}),
    ("senior", 3, {"python": (4, 3), "sql": (2, 2), "docker": (3, 1), "leadership": (3, 3)}),
)


def test_a_ladder_that_builds_rung_on_rung_has_no_errors_or_warnings():
    report = lint(ladder_document(*CLEAN))

    assert report.ok
    assert not report.errors and not report.warnings
    assert report.summary().startswith("0 errors, 0 warnings")


def test_a_skill_missing_at_the_next_rung_is_a_hole_with_role_skill_and_levels():
    report = lint(
        ladder_document(
            ("junior", 1, {"python": (2, 3), "java": (1, 1)}),
            ("engineer", 2, {"python": (3, 3)}),
        )
    )

    hole = only(report, HOLE)
    assert (hole.severity, hole.role, hole.below, hole.skill) == (
        ERROR,
        "engineer",
        "junior",
        "java",
    )
    assert hole.levels == (1, 0)
    assert hole.message == (
        "Junior requires Java at Awareness (1); Engineer, the next rung, does not require it: "
        "require it, or declare the drop."
    )
    assert hole.place == "junior -> engineer: java 1 -> 0"
    assert not report.ok


def test_a_level_that_falls_at_the_next_rung_is_a_hole():
    report = lint(
        ladder_document(
            ("junior", 1, {"python": (2, 3), "sql": (3, 1)}),
            ("engineer", 2, {"python": (3, 3), "sql": (2, 2)}),
        )
    )

    hole = only(report, HOLE)
    assert (hole.skill, hole.levels) == ("sql", (3, 2))
    assert "Engineer, the next rung, requires it only at Working (2)" in hole.message


def test_holes_are_checked_between_neighbouring_ranks_only_and_across_skipped_numbers():
    # Ranks 1, 3, 7: the next rung of rank 1 is rank 3. Java is required at rank 1, absent at
    # rank 3 and back at rank 7: one hole, between 1 and 3.
    report = lint(
        ladder_document(
            ("junior", 1, {"python": (2, 3), "java": (1, 1)}),
            ("engineer", 3, {"python": (3, 3)}),
            ("senior", 7, {"python": (4, 3), "java": (1, 1)}),
        )
    )

    holes = [f for f in report.findings if f.kind == HOLE]
    assert [(f.below, f.role, f.skill) for f in holes] == [("junior", "engineer", "java")]


def test_on_a_fork_a_hole_is_checked_against_every_role_of_the_next_rank():
    # Rank 2 forks into a specialist and a lead. The lead does not keep SQL; the specialist
    # does. Rank 3 (head) must keep what both rank 2 roles need.
    report = lint(
        ladder_document(
            ("engineer", 1, {"python": (2, 3), "sql": (2, 2)}),
            ("specialist", 2, {"python": (4, 3), "sql": (3, 2)}),
            ("lead", 2, {"python": (3, 3), "people": (3, 3)}),
            ("head", 3, {"python": (4, 3), "sql": (3, 1), "people": (2, 3)}),
        )
    )

    holes = sorted((f.below, f.role, f.skill, f.levels) for f in report.findings if f.kind == HOLE)
    assert holes == [
        ("engineer", "lead", "sql", (2, 0)),
        ("lead", "head", "people", (3, 2)),
    ]
    # The two roles of one rank are side by side: neither is a hole nor an inversion of the
    # other, though the lead lacks the specialist's SQL.
    assert not any({f.role, f.below} == {"specialist", "lead"} for f in report.findings)


def test_a_declared_drop_excuses_the_hole():
    document = ladder_document(
        ("engineer", 1, {"python": (3, 3), "docker": (2, 1), "helm": (2, 1)}),
        ("lead", 2, {"python": (3, 3), "people": (3, 3)}, {"docker": "relies on the team"}),
    )

    report = lint(document)

    holes = [f for f in report.findings if f.kind == HOLE]
    assert [(f.role, f.skill) for f in holes] == [("lead", "helm")]


def test_a_declared_drop_never_excuses_an_inversion():
    # The lead declares Docker dropped, but Docker is essential for the engineer: whoever
    # exactly meets the lead is blocked for the engineer, a lower rung.
    document = ladder_document(
        ("engineer", 1, {"python": (3, 3), "docker": (2, 3)}),
        ("lead", 2, {"python": (3, 3), "people": (3, 3)}, {"docker": "relies on the team"}),
    )

    report = lint(document)

    assert not [f for f in report.findings if f.kind == HOLE]
    inversion = only(report, INVERSION)
    assert (inversion.severity, inversion.role, inversion.below) == (ERROR, "lead", "engineer")
    assert inversion.shortfalls == (Shortfall("docker", 2, 3, 0),)
    assert inversion.message == (
        "Whoever exactly meets Lead (and nothing more) is not ready for Engineer: 60% covered, "
        "90% needed, blocked by Docker. Short of Engineer on Docker Working (2) there, "
        "not required here."
    )
    assert not report.ok
    # The engine agrees: the lead's exact profile is not ready for the engineer rung.
    assert verdicts(document, {"python": 3, "people": 3}) == {"engineer": "gap", "lead": "ready"}


def test_an_inversion_by_coverage_alone_lists_every_shortfall():
    # Nothing essential is missing, but the lead's exact profile covers 12 of the engineer's
    # 16: 75%, under 90%.
    document = ladder_document(
        ("engineer", 1, {"python": (4, 3), "sql": (2, 1), "docker": (2, 1)}),
        ("lead", 2, {"python": (4, 3), "people": (3, 3)}, {"sql": "no", "docker": "no"}),
    )

    inversion = only(lint(document), INVERSION)

    assert inversion.shortfalls == (Shortfall("sql", 2, 1, 0), Shortfall("docker", 2, 1, 0))
    assert "75% covered, 90% needed. Short of Engineer on Sql" in inversion.message
    assert "blocked" not in inversion.message


def test_inversions_are_checked_against_every_lower_rung_not_only_the_next():
    # Each step holds what the step below needs, except that the top drops SQL, which only
    # the first rung weighs heavily: the top is ready for the middle, not for the bottom.
    document = ladder_document(
        ("bottom", 1, {"python": (1, 3), "sql": (3, 2)}),
        ("middle", 2, {"python": (4, 3), "sql": (3, 1), "people": (5, 3)}),
        ("top", 3, {"python": (5, 3), "people": (5, 3)}, {"sql": "the analysts do it"}),
    )

    inversions = [(f.role, f.below) for f in lint(document).findings if f.kind == INVERSION]

    assert inversions == [("top", "bottom")]


def test_a_drop_of_a_skill_the_rung_below_does_not_require_is_needless():
    report = lint(
        ladder_document(
            ("junior", 1, {"python": (2, 3)}, {"java": "never needed"}),
            ("engineer", 2, {"python": (3, 3)}, {"sql": "the analysts do it"}),
            skills=["python", "java", "sql"],
        )
    )

    needless = [f for f in report.findings if f.kind == NEEDLESS_DROP]
    assert [(f.severity, f.role, f.skill) for f in needless] == [
        (WARNING, "junior", "java"),
        (WARNING, "engineer", "sql"),
    ]
    assert needless[0].message == (
        "Junior declares Java not assessed, but it is the lowest rung: there is nothing to "
        "drop. Remove the declaration."
    )
    assert needless[1].message.startswith(
        "Engineer declares Sql not assessed, but Junior, the rung below, does not require it"
    )
    assert report.ok


def test_a_skill_no_role_requires_is_a_warning():
    report = lint(ladder_document(*CLEAN, skills=["python", "sql", "docker", "leadership", "r"]))

    unused = only(report, UNUSED_SKILL)
    assert (unused.severity, unused.skill) == (WARNING, "r")
    assert unused.message.startswith("No role requires R:")
    assert report.ok


def test_a_role_without_an_essential_skill_is_a_warning():
    report = lint(
        ladder_document(
            ("junior", 1, {"python": (2, 2)}),
            ("engineer", 2, {"python": (3, 3)}),
            ("empty", 3, {}),
        )
    )

    assert [(f.severity, f.role) for f in report.findings if f.kind == NO_ESSENTIAL] == [
        (WARNING, "junior"),
        (WARNING, "empty"),
    ]


def test_levels_without_a_behaviour_statement_are_a_warning_per_skill():
    report = lint(
        ladder_document(
            *CLEAN,
            statements={"sql": {1: "Reads queries.", 3: "Writes queries.", 5: "Designs."}},
        )
    )

    missing = only(report, MISSING_STATEMENT)
    assert (missing.severity, missing.skill, missing.levels) == (WARNING, "sql", (2, 4))
    assert missing.message == (
        "Sql says nothing of what a person does at Working (2), Advanced (4): self-ratings "
        "there have no anchor."
    )
    assert missing.place == "sql levels 2, 4"


def test_findings_come_errors_first_then_warnings_then_notes():
    report = lint(
        ladder_document(
            ("junior", 1, {"python": (2, 2), "java": (1, 1)}),
            ("engineer", 2, {"python": (3, 3), "sql": (3, 2), "docker": (3, 2)}),
            skills=["python", "java", "sql", "docker", "r"],
        )
    )

    severities = [finding.severity for finding in report.findings]
    assert severities == sorted(severities, key=[ERROR, WARNING, NOTE].index)
    assert {ERROR, WARNING, NOTE} <= set(severities)
    assert report.summary() == (
        f"{len(report.errors)} errors, {len(report.warnings)} warnings, 1 note"
    )


# --- The worst case for any profile ----------------------------------------------------------


def test_someone_ready_for_a_rung_can_miss_more_of_the_rung_below_than_it_allows():
    # The engineer weighs 40 and the junior 16: the 10% the engineer allows (4) pays for all
    # of the junior's SQL (4 of 16 = 25%). Everything else of the engineer's is essential.
    document = ladder_document(
        ("junior", 1, {"python": (4, 3), "sql": (2, 2)}),
        ("engineer", 2, {"python": (4, 3), "sql": (2, 2), "docker": (5, 3), "k8s": (3, 3)}),
    )

    report = lint(document)
    assert report.ok
    note = only(report, WORST_CASE)

    assert (note.severity, note.role, note.below) == (NOTE, "engineer", "junior")
    assert note.message == (
        "Someone ready for Engineer may still not be ready for Junior: they can miss up to 25% "
        "of Junior's weighted requirements (ready allows 10%). The score judges each rung on "
        "its own."
    )
    assert verdicts(document, dict(note.example)) == {"junior": "close", "engineer": "ready"}


def test_an_essential_skill_below_that_is_only_important_above_can_block_the_lower_rung():
    # Python is essential for the junior, only nice to have for the engineer: the shortfall
    # the engineer allows (2 of 27) buys two levels of Python.
    document = ladder_document(
        ("junior", 1, {"python": (2, 3), "sql": (2, 1)}),
        ("engineer", 2, {"python": (3, 1), "sql": (4, 3), "docker": (4, 3)}),
    )

    note = only(lint(document), WORST_CASE)

    assert note.message.endswith(
        "or lack Python, essential there. The score judges each rung on its own."
    )
    assert dict(note.example)["python"] == 1
    assert verdicts(document, dict(note.example)) == {"junior": "gap", "engineer": "ready"}


def test_no_worst_case_note_when_everyone_ready_above_is_ready_below():
    # The engineer requires exactly the junior's skills, levels and importances: being ready
    # for one is being ready for the other.
    same = {"python": (3, 3), "sql": (2, 2)}
    assert not lint(ladder_document(("junior", 1, same), ("engineer", 2, same))).notes


def test_worst_case_is_none_when_the_threshold_demands_everything():
    upper = {"python": (3, 1), "docker": (5, 2)}
    lower = {"python": (3, 3)}
    assert worst_case(upper, lower, Fraction(1)) is None
    worst = worst_case(upper, lower, Fraction(9, 10))
    assert (worst.blocked, worst.example) == (("python",), {"python": 2, "docker": 5})
