"""A step's skills as its page prints them, each a fieldset made in one piece: the seeker's
questions (the questionnaire) and a mentor's review of the seeker's answers. Both show the
levels as one row of choices, the chosen level's statement under it and every statement one
action away (questionnaire.css): in a review from the page, in the questionnaire fetched when
asked for (level_list)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from django.template.defaultfilters import linebreaksbr, urlize
from django.utils.safestring import SafeString, mark_safe

from assessments.evidence import evidence_note
from assessments.forms import RatingForm, ReviewRatingForm
from assessments.models import COMMENT_MAX_LENGTH, EVIDENCE_MAX_LENGTH
from roles.models import MatrixVersion, Skill

# What the page shows again of one skill's answer: (level chosen, note, error), each "" when
# there is none; the note is the seeker's evidence or the mentor's comment.
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
# values go unquoted, and in the questionnaire level 0 ("None") is explained once for the
# step, by the page's help. Autosave (htmx) posts each fieldset's answer to the skill's rating
# URL, given relative to the step's own (../../ratings/<skill>/, a review's as the
# questionnaire's), and shows the outcome in the fieldset's <output>.
FIELDSET_START = (
    '<fieldset id=skill-{slug} class=skill aria-describedby="about-{slug}{error_id}"'
    ' hx-post=../../ratings/{slug}/ hx-trigger="change, input delay:800ms from:find textarea"'
    ' hx-target="find output" hx-swap=innerHTML hx-sync=this:replace>'
    "<legend>{name}</legend><p id=about-{slug}>{description}</p>{error}"
)
# The questionnaire's levels are named in the row; their statements, which would be over a
# third of the page, stay on the server until asked for. The chosen level's statement shows
# under the row (an autosave sends it again: chosen_statement). "What each level
# means" is a button: with htmx it fetches the skill's statements (the step page's fragment,
# ?levels=<skill>) into a disclosure that takes its place, the focus going to its summary
# (autofocus, which htmx honours in what it swaps in); without JavaScript it posts the step
# (the choices made are saved) and the step comes back with that skill's statements open.
# Its own hx-sync: the fieldset's would have it cancel the skill's autosave.
LEVELS_BUTTON = (
    "<button name=levels value={slug} class=link-button hx-get=?levels={slug} hx-target=this"
    " hx-swap=outerHTML hx-sync=this>What each level means</button>"
)
LEVEL_LIST = (
    "<details open class=level-list><summary autofocus>What each level means</summary>"
    "<dl>{statements}</dl></details>"
)
LEVEL_STATEMENT = "<div data-level={value}><dt>{label}</dt><dd>{statement}</dd></div>"
QUESTION = (
    FIELDSET_START
    + "<div class=levels>{choices}</div>{chosen}{all_levels}"
    + "<details{evidence_open}><summary>Evidence</summary><textarea name={slug}-evidence"
    ' maxlength={evidence_max} aria-label="Evidence for {name}">{evidence}</textarea></details>'
    "<output></output></fieldset>\n"
)
# A review keeps every statement in its page, each in its level's choice: "What each level
# means" (a <details>) shows them beside their levels, and out of sight they stay in the
# radios' names (questionnaire.css).
INLINE_LEVELS = (
    "<div class=levels>{choices}</div>"
    "<details class=inline-levels><summary>What each level means</summary></details>"
)
# A review's fieldset opens with the seeker's answer: their level and its statement, their
# evidence, and the Agree button, which without JavaScript posts the whole step agreeing on
# this skill, and with it chooses their level in the row (autosave.js). The row marks their
# level; the mentor's comment stays folded away until it has text.
THEIR_ANSWER = (
    "<div class=theirs><p><span class=their-label>{seeker}'s level:</span>"
    " <strong>{their_label}</strong> {their_statement}</p>{their_evidence}"
    "<button type=submit name=agree value={slug} data-agree={their_level}"
    ' class="button-small button-secondary">Agree: {their_label}<span class=visually-hidden>'
    " with {seeker} on {name}</span></button></div>"
)
REVIEW = (
    FIELDSET_START
    + THEIR_ANSWER
    + INLINE_LEVELS
    + "<details{comment_open}><summary>Comment</summary><textarea name={slug}-comment"
    ' maxlength={comment_max} aria-label="Your comment on {name}">{comment}</textarea></details>'
    "<output></output></fieldset>\n"
)
# Level 0 in a review, said with each skill as the seeker's answer says it.
NEVER_USED = "Has not used this."
FIELD_ERROR = "<p id=error-{slug} class=field-error><strong>Not saved:</strong> {error}</p>"
THEIR_EVIDENCE_LABEL = "<span class=their-label>Their evidence:</span>"


def _radio(slug: str, value: str, chosen: str) -> str:
    """A level's radio, checked when it is the level chosen, opening its label."""
    checked = " checked" if value == chosen else ""
    return f"<label><input type=radio name={slug}-level value={value}{checked}>"


def _choices(slug: str, levels: list[tuple[str, str]], chosen: str) -> str:
    """The questionnaire's row of levels (_level_labels): each label is its level's box."""
    return "".join(f"{_radio(slug, value, chosen)}{label}</label>" for value, label in levels)


def _choices_with_statements(
    slug: str,
    levels: list[tuple[str, str]],
    chosen: str,
    statements: dict[str, str],
    marked: str,
    mark: str,
) -> str:
    """A review's row of levels (_level_labels): each level's box a <b>, with its statement
    beside it (escaped here; slug, labels and mark are already), the one `marked` (the
    seeker's level) with `mark`."""
    choices = []
    for value, label in levels:
        marking = f" <small>{mark}</small>" if value == marked else ""
        statement = statements.get(value, "")
        words = f" <i>{escape(statement)}</i>" if statement else ""
        choices.append(f"{_radio(slug, value, chosen)}<b>{label}{marking}</b>{words}</label>")
    return "".join(choices)


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
    version: MatrixVersion,
    skills: Sequence[Skill],
    shown: dict[int, Shown],
    *,
    open_levels: str = "",
) -> list[SkillFieldset]:
    """The questionnaire's skills of a step, every text escaped; `shown` has (level chosen,
    evidence, error) for each skill answered or posted; the skill whose slug is `open_levels`
    shows every level's statement."""
    levels = _level_labels(version)
    fieldsets = []
    for skill in skills:
        chosen, evidence, error = shown.get(skill.pk, ("", "", ""))
        slug = escape(skill.slug)
        if skill.slug == open_levels:
            all_levels = _level_list(levels, skill.levels)
        else:
            all_levels = LEVELS_BUTTON.format(slug=slug)
        fieldset = QUESTION.format(
            **_start(slug, skill, error),
            choices=_choices(slug, levels, chosen),
            chosen=chosen_statement(skill, chosen),
            all_levels=all_levels,
            evidence_open=" open" if evidence else "",
            evidence_max=EVIDENCE_MAX_LENGTH,
            evidence=escape(evidence),
        )
        fieldsets.append(SkillFieldset(skill.slug, skill.name, error, mark_safe(fieldset)))
    return fieldsets


def level_list(version: MatrixVersion, skill: Skill) -> SafeString:
    """What "What each level means" opens to in the questionnaire: every level of the skill
    with its statement (level 0, explained by the page's help, has none)."""
    return mark_safe(_level_list(_level_labels(version), skill.levels))


def _level_list(levels: list[tuple[str, str]], statements: dict[str, str]) -> str:
    return LEVEL_LIST.format(
        statements="".join(
            LEVEL_STATEMENT.format(value=value, label=label, statement=escape(statements[value]))
            for value, label in levels
            if statements.get(value)
        ),
    )


def chosen_statement(skill: Skill, chosen: str, *, oob: bool = False) -> str:
    """Under a questionnaire skill's row: the statement of the level chosen (`chosen`, a
    level's value or ""), or nothing. An autosave sends it again out of band (`oob`), into
    the skill's row."""
    statement = escape(skill.levels.get(chosen, ""))
    target = f' hx-swap-oob="innerHTML:#skill-{escape(skill.slug)} > .chosen"' if oob else ""
    return f"<p class=chosen{target}>{statement}</p>"


def reviews(
    version: MatrixVersion,
    seeker: str,
    rows: Iterable[tuple[Skill, tuple[int, str], Shown]],
) -> list[SkillFieldset]:
    """A review step's skills, every text escaped: for each, the seeker's answer (level,
    evidence; an unanswered skill counts as level 0) and what the mentor's shows (level
    chosen, comment, error)."""
    levels = _level_labels(version)
    seeker = escape(seeker)
    # The row marks their level in a few words, so that it fits the narrowest choice.
    mark = "their level"
    fieldsets = []
    for skill, (their_level, evidence), (chosen, comment, error) in rows:
        slug = escape(skill.slug)
        statements = {"0": NEVER_USED, **skill.levels}
        theirs = str(their_level)
        fieldset = REVIEW.format(
            **_start(slug, skill, error),
            seeker=seeker,
            their_level=their_level,
            their_label=levels[their_level][1],
            their_statement=escape(statements.get(theirs, "")),
            their_evidence=_their_evidence(evidence),
            choices=_choices_with_statements(slug, levels, chosen, statements, theirs, mark),
            comment_open=" open" if comment else "",
            comment_max=COMMENT_MAX_LENGTH,
            comment=escape(comment),
        )
        fieldsets.append(SkillFieldset(skill.slug, skill.name, error, mark_safe(fieldset)))
    return fieldsets


def shown_by_form(form: RatingForm | ReviewRatingForm) -> Shown:
    """A skill's form as the page shows it: the posted answer again, or without data the
    stored one."""
    value = form["level"].value()
    chosen = "" if value is None else str(value)
    note = form[form.note_name].value() or ""
    return chosen, note, form.first_error() if form.errors else ""


def _their_evidence(evidence: str) -> str:
    """The seeker's evidence, its links made links; a long one folded after its start."""
    if not evidence:
        return ""
    shown = linebreaksbr(urlize(evidence))
    return evidence_note(evidence, THEIR_EVIDENCE_LABEL, shown, "their-evidence")
