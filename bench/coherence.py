"""How long does the ladder linter take? Prints figures; not a test.

The linter runs on every `lint_ladder`, every `import_matrix` and every view of a draft's
review page. It is timed on the shipped MLOps ladder (5 roles, 76 skills) and on a synthetic
ladder of 8 roles x 150 skills (100-150 requirements a role, fixed seed), each against reading
and validating the same ladder's YAML text (roles.interchange.parse_document), which every
import does anyway, measured in the same run. Target: lint no slower than reading the file.

    .venv/bin/python bench/coherence.py
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from roles import interchange  # noqa: E402
from roles.coherence import lint  # noqa: E402
from tests.factories import ladder_document  # noqa: E402

SEED = 20240601
REPEATS = 7


def synthetic() -> dict:
    rng = random.Random(SEED)
    skills = [f"skill-{i:03}" for i in range(150)]
    roles = []
    for rank in range(1, 9):
        chosen = rng.sample(skills, rng.randint(100, 150))
        requires = {
            skill: (min(5, max(1, rank // 2 + rng.randint(0, 2))), rng.randint(1, 3))
            for skill in chosen
        }
        roles.append((f"role-{rank}", rank, requires))
    return ladder_document(*roles, skills=skills)


def best_of(function, loops: int) -> float:
    """Seconds per call: the median of REPEATS runs of `loops` calls."""
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(loops):
            function()
        runs.append((time.perf_counter() - start) / loops)
    return statistics.median(runs)


def main() -> None:
    shipped = interchange.read_document(ROOT / "roles" / "ladders" / "mlops.yaml")
    for name, document in (("shipped mlops", shipped), ("synthetic 8 x 150", synthetic())):
        text = interchange.dump(document)
        read = best_of(lambda: interchange.parse_document(text, "bench.yaml"), 5)  # noqa: B023
        linted = best_of(lambda: lint(document), 5)  # noqa: B023
        print(
            f"{name}: lint {linted * 1000:.1f} ms ({lint(document).summary()}); "
            f"reading the file {read * 1000:.1f} ms; lint / read = {linted / read:.2f}"
        )


if __name__ == "__main__":
    main()
