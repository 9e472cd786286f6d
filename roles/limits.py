"""What a ladder may hold: the range of its level scale, the length of its slugs and texts,
and the names of the importances. Checked alike by the models, the import and the editor."""

from __future__ import annotations

from django.core.validators import RegexValidator

MAX_SCALE_LEVEL = 7
MIN_SCALE_LEVEL = 3
SLUG_MAX = 80
# Longest free text a ladder may hold; every public page shows some of it.
DESCRIPTION_MAX = 2000
STATEMENT_MAX = 500
IMPORTANCE_NAMES = {1: "Nice to have", 2: "Important", 3: "Essential"}

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "Use lowercase letters, digits and single hyphens."
)


def scale_problem(scale: object) -> str | None:
    """Why a scale is unusable (None if it is fine): a list of 4 to 8 distinct level names."""
    if not isinstance(scale, list) or not all(
        isinstance(name, str) and name.strip() for name in scale
    ):
        return 'A list of level names, level 0 first, such as ["None", "Awareness", ...].'
    if not MIN_SCALE_LEVEL + 1 <= len(scale) <= MAX_SCALE_LEVEL + 1:
        return (
            f"{len(scale)} level names; a scale has {MIN_SCALE_LEVEL + 1} to "
            f"{MAX_SCALE_LEVEL + 1} (levels 0..{MIN_SCALE_LEVEL} to 0..{MAX_SCALE_LEVEL})."
        )
    if len(set(scale)) != len(scale):
        return "Each level needs its own name."
    return None
