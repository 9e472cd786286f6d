"""`manage.py lint_ladder TRACK [--version N]`: the linter on stored versions, its output and
its exit status."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from assessments import scoring
from roles import interchange
from roles.models import Track
from tests.factories import ladder_document, scoring_matrix_of

pytestmark = pytest.mark.django_db

WITH_A_HOLE = (
    ("junior", 1, {"python": (2, 3), "java": (1, 1)}),
    ("engineer", 2, {"python": (3, 3), "sql": (2, 2)}),
)
MENDED = (
    ("junior", 1, {"python": (2, 3), "java": (1, 1)}),
    ("engineer", 2, {"python": (3, 3), "java": (1, 1), "sql": (2, 2)}),
)


def store(tmp_path: Path, *roles, publish: bool = True) -> None:
    path = tmp_path / "ladder.yaml"
    path.write_text(interchange.dump(ladder_document(*roles, slug="data")), encoding="utf-8")
    call_command("import_matrix", str(path), publish=publish, stdout=StringIO())


def lint_ladder(*args: str) -> str:
    out = StringIO()
    call_command("lint_ladder", *args, stdout=out)
    return out.getvalue()


def test_a_clean_ladder_prints_its_summary_and_passes(tmp_path):
    store(tmp_path, *MENDED)

    output = lint_ladder("data")

    assert output.splitlines()[0] == "data v1 (published): 0 errors, 0 warnings, 1 note."
    assert output.splitlines()[1].startswith("note worst-case [engineer over junior]: ")


def test_it_prints_each_finding_with_role_skill_and_levels_and_fails_on_a_hole(tmp_path):
    store(tmp_path, *WITH_A_HOLE)
    out = StringIO()

    with pytest.raises(CommandError, match=r"^2 errors: an inversion or an undeclared hole"):
        call_command("lint_ladder", "data", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "data v1 (published): 2 errors, 0 warnings, 1 note."
    assert (
        "error hole [junior -> engineer: java 1 -> 0]: Junior requires Java at Awareness (1); "
        "Engineer, the next rung, does not require it: require it, or declare the drop."
    ) in lines


def test_it_exits_with_status_1_on_an_inversion_and_0_when_clean(tmp_path, capsys, monkeypatch):
    # Run as from a shell, but keep the test's database connection open afterwards.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    store(tmp_path, *WITH_A_HOLE)

    with pytest.raises(SystemExit) as exit_status:
        ManagementUtility(["manage.py", "lint_ladder", "data"]).execute()

    assert exit_status.value.code == 1
    captured = capsys.readouterr()
    assert "error inversion [engineer over junior]" in captured.out
    assert "CommandError: " in captured.err

    store(tmp_path, *MENDED)
    ManagementUtility(["manage.py", "lint_ladder", "data"]).execute()
    assert "0 errors" in capsys.readouterr().out


def test_version_picks_any_version_drafts_too(tmp_path):
    store(tmp_path, *WITH_A_HOLE)
    store(tmp_path, *MENDED, publish=False)

    assert "data v2 (draft): 0 errors" in lint_ladder("data", "--version", "2")
    with pytest.raises(CommandError):
        lint_ladder("data", "--version", "1")
    with pytest.raises(CommandError):
        lint_ladder("data")  # the current version is v1, still with its hole


def test_it_names_what_exists_when_the_track_or_version_does_not(tmp_path):
    with pytest.raises(CommandError, match=r"Unknown track 'data'\. Known tracks: none\."):
        lint_ladder("data")
    store(tmp_path, *MENDED, publish=False)
    with pytest.raises(CommandError, match=r"no published version .*use --version N to lint"):
        lint_ladder("data")
    with pytest.raises(CommandError, match=r"has no version 3 \(versions: v1 \(draft\)\)"):
        lint_ladder("data", "--version", "3")


def test_every_shipped_ladder_lints_clean():
    call_command("bootstrap", no_admin=True, stdout=StringIO())

    for track in ("mlops", "mlops-management"):
        summary = lint_ladder(track).splitlines()[0]
        assert summary.startswith(f"{track} v1 (published): 0 errors, 0 warnings, ")


def test_the_shipped_director_declares_its_drops_and_still_meets_every_rung_below():
    call_command("bootstrap", no_admin=True, stdout=StringIO())
    document = interchange.export_version(Track.objects.get(slug="mlops").current_version())
    director = document["roles"][-1]

    assert director["slug"] == "director-of-mlops"
    assert set(director["drops"]) == {
        *("r", "scala", "data-structures-algorithms", "big-data"),
        *("dvc", "kubeflow", "modeldb", "jenkins", "elk-stack", "elasticsearch"),
        *("tensorflow", "pytorch", "scikit-learn", "kafka"),
    }
    exact = {skill: level for skill, (level, _) in director["requires"].items()}
    result = scoring.score(scoring_matrix_of(document), exact)
    assert {role_score.verdict for role_score in result.roles} == {"ready"}
