"""The parts of a questionnaire step that every autosave sends again: how the answer went (a
review's too), the list of steps, the overall progress and the offer to answer 0 to the rest
of the step (the chosen level's statement too, made by fieldsets.py as the skill's row is).
The step page and the review-and-submit page print the same ones."""

from __future__ import annotations

import uuid
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from assessments.models import Progress, StepProgress
from careerfit.http import path_with_last
from roles.models import MatrixVersion

# Made here in one piece, as a step's fieldsets are (fieldsets.py), rather than in template
# partials: every autosave answers with all of them, and the partials' variables and {% url %}
# tags cost about a fifth of an autosave. Numbers are printed as they are (never localized).
OUT_OF_BAND = ' hx-swap-oob="true"'  # htmx swaps it in by its id, outside the answer's row


# --- How an answer went, in its row (autosave.js reads the data- attributes) ---------------


def answer_saved(level: int, level_name: str, same_as: str = "") -> SafeString:
    """An answer saved: its level ("Saved: 3 Practitioner"), and when a mentor chose the
    seeker's own level, whose it is (`same_as`)."""
    same = f", the same as {escape(same_as)}" if same_as else ""
    return mark_safe(
        '<span class="save-ok"><span aria-hidden="true">✓ </span>'
        f"Saved: {level} {escape(level_name)}{same}</span>"
    )


def newer_answer_stands(stored: int | None, stored_label: str) -> SafeString:
    """A questionnaire answer refused because a newer one (another tab or window) was stored
    first: the page is told the answer that stands, which autosave.js shows instead."""
    label = f": {escape(stored_label)}" if stored_label else ""
    return mark_safe(
        f'<span class="save-error"{_revert(stored)}><strong>Not saved:</strong> A newer answer'
        f" is already saved, from another tab or window{label}.</span>"
    )


# A review's answer refused because a newer one was stored first.
NEWER_ANSWER_SAVED = mark_safe('<span class="save-ok">A newer answer is already saved.</span>')

TRY_AGAIN = (
    '<button type="button" class="button-small button-secondary" data-retry>Try again</button>'
)


def answer_refused(
    error: str,
    *,
    way_on: tuple[str, str] | None = None,
    revert: bool = False,
    stored: int | None = None,
) -> SafeString:
    """An answer not saved, and why. Once submitted (locked), trying again cannot help: the
    row shows `way_on` (the URL and text of a link) instead of Try again. With `revert`, the
    page is told the answer that stands (`stored`), which autosave.js shows instead."""
    if way_on is None:
        then = TRY_AGAIN
    else:
        url, text = way_on
        then = f'<a href="{escape(url)}">{escape(text)}</a>'
    reverted = _revert(stored) if revert else ""
    return mark_safe(
        f'<span class="save-error" data-save-error{reverted}><strong>Not saved:</strong>'
        f" {escape(error)}</span> {then}"
    )


def _revert(stored: int | None) -> str:
    """The attributes that have autosave.js put back the answer that stands (none when None)."""
    if stored is None:
        return " data-revert"
    return f' data-revert data-stored-level="{stored}"'


# --- The questionnaire's progress ---------------------------------------------------------

STEP_NAV = (
    '<nav id="step-nav" class="step-nav" aria-label="Questionnaire steps"{oob}><ol>{steps}'
    '<li><a href="{submit_url}"{on_review}><span class="step-nav-name">Review and submit</span>'
    ' <span class="step-nav-count">{overall}</span></a></li></ol></nav>'
)
STEP_NAV_ITEM = (
    '<li{complete}><a href="{url}"{here}><span class="step-nav-name">{name}</span>'
    ' <span class="step-nav-count">{done}{answered} of {total}</span></a></li>'
)
HERE = ' aria-current="step"'
DONE = '<span aria-hidden="true">✓ </span>Done, '


def step_nav(
    assessment_id: uuid.UUID,
    progress: Progress,
    *,
    current: StepProgress | None = None,
    on_review: bool = False,
    oob: bool = False,
) -> SafeString:
    """The questionnaire's steps as links, each with how much of it is answered, then Review
    and submit (Ready once every skill is); the page's own step (`current`, or the review
    when `on_review`) is marked as where the user is."""
    # Reversed once for every step (slugs need no escaping).
    step_path = path_with_last("assessments:step", assessment_id, placeholder="category")
    here = current.category.slug if current is not None else None
    steps = "".join(
        STEP_NAV_ITEM.format(
            complete=' class="is-complete"' if step.is_complete else "",
            url=step_path(step.category.slug),
            here=HERE if step.category.slug == here else "",
            name=escape(step.category.name),
            done=DONE if step.is_complete else "",
            answered=step.answered,
            total=step.total,
        )
        for step in progress.steps
    )
    return mark_safe(
        STEP_NAV.format(
            oob=OUT_OF_BAND if oob else "",
            steps=steps,
            submit_url=reverse("assessments:submit", args=[assessment_id]),
            on_review=HERE if on_review else "",
            overall="Ready" if progress.is_complete else f"{progress.answered} of {progress.total}",
        )
    )


OVERALL_PROGRESS = (
    '<div id="overall-progress" class="overall-progress"{oob}>'
    '<p class="overall-progress-text">{step}<span id="overall-progress-label">'
    "<strong>{answered} of {total}</strong> skills answered ({percent}%)</span></p>"
    '<progress max="{total}" value="{answered}" aria-labelledby="overall-progress-label">'
    "{percent}%</progress></div>"
)


def overall_progress(
    progress: Progress, current: StepProgress | None = None, *, oob: bool = False
) -> SafeString:
    """How many skills are answered, in words and as a bar, after how many of the page's own
    step (`current`) are."""
    step = ""
    if current is not None:
        step = (
            f'<span class="step-progress">{escape(current.category.name)}: '
            f"<strong>{current.answered} of {current.total}</strong></span> "
        )
    return mark_safe(
        OVERALL_PROGRESS.format(
            oob=OUT_OF_BAND if oob else "",
            step=step,
            answered=progress.answered,
            total=progress.total,
            percent=progress.percent,
        )
    )


# Without JavaScript the button posts the step's form first (its choices are saved), then
# asks to confirm; with htmx it asks to confirm in place.
MARK_NONE_OFFER = (
    '<p><button type="submit" form="step-form" name="then" value="mark-none"'
    ' class="button-secondary button-small" hx-get="{url}" hx-target="#mark-none"'
    ' hx-swap="innerHTML">Answer 0 {none} to the {count} unanswered skill{plural}</button>'
    ' <span class="muted small">For what you have never used. You see the list and confirm'
    " first.</span></p>"
)


def mark_none(
    assessment_id: uuid.UUID, version: MatrixVersion, current: StepProgress, *, oob: bool = False
) -> SafeString:
    """The offer to answer 0 to every skill of the step still unanswered; empty (its place
    kept for the next autosave) once the step has none."""
    offer = ""
    if current.unanswered:
        url = reverse("assessments:mark_none", args=[assessment_id, current.category.slug])
        offer = MARK_NONE_OFFER.format(
            url=escape(url),
            none=escape(version.scale[0]),
            count=current.unanswered,
            plural="" if current.unanswered == 1 else "s",
        )
    oob_attribute = OUT_OF_BAND if oob else ""
    return mark_safe(f'<div id="mark-none" class="mark-none"{oob_attribute}>{offer}</div>')


def autosave_response(
    save_status: str,
    assessment_id: uuid.UUID,
    version: MatrixVersion,
    progress: Progress,
    current: StepProgress,
    *,
    chosen: str = "",
) -> SafeString:
    """An autosave's answer: how it went (`save_status`, for the answer's row), then, swapped
    in out of band, the statement of the level that stands (`chosen`, the questionnaire's:
    fieldsets.chosen_statement), the step list, the overall progress and the mark-none
    offer."""
    return mark_safe(
        "\n".join(
            [
                save_status,
                chosen,
                step_nav(assessment_id, progress, current=current, oob=True),
                overall_progress(progress, current, oob=True),
                mark_none(assessment_id, version, current, oob=True),
            ]
        )
    )
