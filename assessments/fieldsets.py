"""A step's skills as its page prints them, each a fieldset made in one piece: the seeker's
questions (the questionnaire), with the levels as one row of choices, the chosen level's
statement under it and every statement one disclosure away (questionnaire.css)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from assessments.forms import RatingForm
from assessments.models import EVIDENCE_MAX_LENGTH
from roles.models import MatrixVersion, Skill

# What the page shows again of one skill's answer: (level chosen, evidence, error), each ""
# when there is none.
Shown = tuple[str, str, str]


@dataclass(frozen=True)
class SkillFieldset:
    """One skill of a step as the page shows it: its fieldset ready, and what the summary of
    refused answers names."""

    slug: str
    name: str
    error: str  # why this answer was refused ("" when it was not)
    fieldset: SafeString


# A step prints a fieldset per skill, with a choice per level: made here in one piece rather
# than in a template loop, whose variables would cost several times the rest of the page.
# Every byte of it is paid once per skill (a choice's, once per level): single-word attribute
# values go unquoted, and level 0 ("None") is explained once for the step, by the page's help.
# Autosave (htmx) posts each fieldset's answer to the skill's rating URL, given relative to
# the step's own (../../ratings/<skill>/), and shows the outcome in the fieldset's <output>.
# "What each level means" is the first <details>: opening it shows every level's statement
# (questionnaire.css).
FIELDSET_START = (
    '<fieldset id=skill-{slug} class=skill aria-describedby="about-{slug}{error_id}"'
    ' hx-post=../../ratings/{slug}/ hx-trigger="change, input delay:800ms from:find textarea"'
    ' hx-target="find output" hx-swap=innerHTML hx-sync=this:replace>'
    "<legend>{name}</legend><p id=about-{slug}>{description}</p>{error}"
)
LEVELS = (
    "<div class=levels>{choices}</div><details><summary>What each level means</summary></details>"
)
QUESTION = (
    FIELDSET_START
    + LEVELS
    + "<details{evidence_open}><summary>Evidence</summary><textarea name={slug}-evidence"
    ' maxlength={evidence_max} aria-label="Evidence for {name}">{evidence}</textarea></details>'
    "<output></output></fieldset>\n"
)
FIELD_ERROR = "<p id=error-{slug} class=field-error><strong>Not saved:</strong> {error}</p>"


def _choice(slug: str, value: str, chosen: str, label: str, statement: str) -> str:
    """One level of a skill as a radio, checked when it is the level chosen, with its
    statement if it has one (level 0 has none); the statement escaped here (slug and label
    are already)."""
    checked = " checked" if value == chosen else ""
    words = f" <i>{escape(statement)}</i>" if statement else ""
    return (
        f"<label><input type=radio name={slug}-level value={value}{checked}>"
        f"<b>{label}</b>{words}</label>"
    )


def _level_labels(version: MatrixVersion) -> list[tuple[str, str]]:
    """Each level's value and its label ready ("2 Working"), worked out once for a step."""
    return [(str(level), escape(f"{level} {name}")) for level, name in enumerate(version.scale)]


def _start(slug: str, skill: Skill, error: str) -> dict[str, str]:
    """What every fieldset of a step fills in: its skill's words and its error."""
    return {
        "slug": slug,
        "error_id": f" error-{slug}" if error else "",
        "name": escape(skill.name),
        "description": escape(skill.description),
        "error": FIELD_ERROR.format(slug=slug, error=escape(error)) if error else "",
    }


def questions(
    version: MatrixVersion, skills: Sequence[Skill], shown: dict[int, Shown]
) -> list[SkillFieldset]:
    """The questionnaire's skills of a step, every text escaped; `shown` has (level chosen,
    evidence, error) for each skill answered or posted."""
    levels = _level_labels(version)
    fieldsets = []
    for skill in skills:
        chosen, evidence, error = shown.get(skill.pk, ("", "", ""))
        slug = escape(skill.slug)
        choices = "".join(
            _choice(slug, value, chosen, label, skill.levels.get(value, ""))
            for value, label in levels
        )
        fieldset = QUESTION.format(
            **_start(slug, skill, error),
            choices=choices,
            evidence_open=" open" if evidence else "",
            evidence_max=EVIDENCE_MAX_LENGTH,
            evidence=escape(evidence),
        )
        fieldsets.append(SkillFieldset(skill.slug, skill.name, error, mark_safe(fieldset)))
    return fieldsets


def shown_by_form(form: RatingForm) -> Shown:
    """A skill's form as the page shows it: the posted answer again, or without data the
    stored one."""
    value = form["level"].value()
    chosen = "" if value is None else str(value)
    evidence = form["evidence"].value() or ""
    return chosen, evidence, form.first_error() if form.errors else ""
