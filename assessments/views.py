"""Self-assessment questionnaire: start an assessment, answer it one step (category) at a
time with every answer autosaved, submit it; my assessments, and the progress over time on
one track. The report and its exports are in report_views."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from assessments import fieldsets, fragments
from assessments.forms import (
    SECONDS_PER_SKILL,
    RatingForm,
    StartAssessmentForm,
    assessable_ladders,
    step_forms,
)
from assessments.history import build_history, standing
from assessments.models import (
    Assessment,
    AssessmentIncomplete,
    AssessmentLocked,
    server_sequence,
)
from assessments.scored import (
    matrices_of,
    step_skills,
    stored_levels,
    version_skill,
)
from careerfit.http import HtmxHttpRequest, HttpResponseSeeOther, path_with_id, wants_fragment
from roles.models import Category, Skill, Track

LOCKED_MESSAGE = "This assessment has been submitted: its answers are locked."


def _get_own_assessment_or_404(request: HttpRequest, assessment_id: uuid.UUID) -> Assessment:
    """The signed-in user's assessment; anyone else's is a 404, so its existence never leaks."""
    assessments = Assessment.objects.owned_by(request.user).select_related(
        "track", "version", "target_role"
    )
    return get_object_or_404(assessments, pk=assessment_id)


def _step_url(assessment: Assessment, category_slug: str) -> str:
    return reverse("assessments:step", args=[assessment.pk, category_slug])


ASSESSMENTS_PER_PAGE = 10


@require_GET
@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """My assessments, newest first, a page at a time: drafts with their progress, submitted
    ones with their result in a line. A page number past the last shows the last page, one
    that is not a number the first. Queries: how many there are, the page's assessments (their
    answers counted for those ten alone), then for the submitted ones the matrices of their
    ladder versions, four for all those this process has not built yet (their levels were kept
    at submission, their results once worked out are kept), whatever their number."""
    mine = Assessment.objects.owned_by(request.user).order_by("-created_at", "-pk")
    page = Paginator(mine, ASSESSMENTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(
        Assessment.objects.filter(pk__in=page.object_list.values("pk"))
        .for_list()
        .order_by("-created_at", "-pk")
    )
    submitted = [assessment for assessment in page if assessment.is_submitted]
    if submitted:
        matrices = matrices_of(submitted)
        levels = stored_levels(
            ((a.pk, a.version_id, a.submitted_levels) for a in submitted), matrices
        )
        for assessment in submitted:
            matrix = matrices[assessment.version_id]
            assessment.headline = standing(assessment, matrix, levels[assessment.pk])
    report_path = path_with_id("assessments:report")
    resume_path = path_with_id("assessments:resume")
    cards = mark_safe(  # every text in them is escaped
        "".join(_assessment_card(assessment, report_path, resume_path) for assessment in page)
    )
    return render(request, "assessments/assessment_list.html", {"page": page, "cards": cards})


# My assessments prints a card per assessment, ten a page: made here in one piece, as a step's
# fieldsets are, rather than in a template loop that would read some forty variables a card.
ASSESSMENT_CARD = (
    '<li class="card assessment-card"><h2><a href="{open_url}">{track}: aiming for {target}'
    '</a></h2><dl class="facts"><div><dt>Status</dt><dd><span class="badge{badge}">{status}'
    "</span></dd></div><div><dt>Ladder</dt><dd>{track}, version {version}</dd></div>{result}"
    '<div><dt>Started</dt><dd><time datetime="{started_iso}">{started}</time></dd></div>'
    '<div><dt>{last_word}</dt><dd><time datetime="{last_iso}">{last}</time></dd></div></dl>'
    '<p class="actions">{actions}<a href="{progress_url}">My progress on {track}</a></p></li>'
)
CARD_RESULT = (
    "<div><dt>Fits you now</dt><dd><strong>{fit}</strong></dd></div>{next_step}"
    "<div><dt>Target coverage</dt><dd>{percent}% of {target} "
    '<span class="badge badge-{verdict}">{verdict_word}</span></dd></div>'
)
CARD_PROGRESS = (
    '<div><dt>Progress</dt><dd><span id="progress-{pk}">{answered} of {total} skills answered '
    '({percent}%)</span><progress max="{total}" value="{answered}" '
    'aria-labelledby="progress-{pk}">{percent}%</progress></dd></div>'
)


def _assessment_card(
    assessment: Assessment,
    report_path: Callable[[uuid.UUID], str],
    resume_path: Callable[[uuid.UUID], str],
) -> str:
    """One assessment as My assessments lists it, every text escaped: a submitted one with its
    result in a line (its `headline`), a draft with its progress. The paths of its report and
    of its questionnaire are reversed once for the page (path_with_id)."""
    track, target = escape(assessment.track.name), escape(assessment.target_role.title)
    started = _short_datetime(assessment.created_at)
    # Screen readers hear which assessment a button opens.
    which = f'<span class="visually-hidden"> of {track}, started {started}</span>'
    report_url = report_path(assessment.pk)
    if assessment.is_submitted:
        open_url = report_url
        last_word, last = "Submitted", assessment.submitted_at
        actions = f'<a class="button button-small" href="{report_url}">Open the report{which}</a> '
        result = assessment.headline
        summary = CARD_RESULT.format(
            fit=escape(result.fit_title or "No rung yet"),
            next_step=result.next_roles
            and f"<div><dt>Next step</dt><dd>{escape(result.next_roles)}</dd></div>",
            percent=result.target_percent,
            target=target,
            verdict=result.target_verdict,
            verdict_word=result.target_verdict.capitalize(),
        )
    else:
        open_url = resume_path(assessment.pk)
        last_word, last = "Last saved", assessment.updated_at
        actions = (
            f'<a class="button button-small" href="{open_url}">Continue'
            f'<span class="visually-hidden"> {track}, started {started}</span></a> '
            f'<a href="{report_url}">Draft report{which}</a> '
        )
        summary = CARD_PROGRESS.format(
            pk=assessment.pk,
            answered=assessment.answered_count,
            total=assessment.skill_count,
            percent=assessment.percent_answered,
        )
    return ASSESSMENT_CARD.format(
        open_url=open_url,
        track=track,
        target=target,
        badge=" badge-ready" if assessment.is_submitted else "",
        status=escape(assessment.get_status_display()),
        version=assessment.version.number,
        result=summary,
        started_iso=assessment.created_at.isoformat(),
        started=started,
        last_word=last_word,
        last_iso=last.isoformat(),
        last=_short_datetime(last),
        actions=actions,
        progress_url=reverse("assessments:progress", args=[assessment.track.slug]),
    )


def _short_datetime(value: datetime) -> str:
    """'2 Dec 2026, 07:42' in the site's time zone, as the date filter's "j M Y, H:i" prints
    it, without parsing that format again for every date of the page."""
    local = timezone.localtime(value)
    return f"{local.day} {MONTHS_3[local.month].title()} {local.year}, {local:%H:%M}"


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def start(request: HtmxHttpRequest) -> HttpResponse:
    ladders = assessable_ladders()
    status = 200
    if request.method == "POST":
        form = StartAssessmentForm(request.POST, ladders=ladders)
        if form.is_valid():
            ladder = form.cleaned_data["track"]
            # Pinned to the version current now: later publishes leave this assessment as is.
            assessment = Assessment.objects.create(
                user=request.user,
                track=ladder.track,
                version_id=ladder.version_id,
                target_role=form.cleaned_data["target_role"],
            )
            return HttpResponseSeeOther(reverse("assessments:resume", args=[assessment.pk]))
        status = 400
        chosen_slug = request.POST.get("track", "")
    else:
        chosen_slug = request.GET.get("track", "")
        if not chosen_slug and len(ladders) == 1:
            chosen_slug = ladders[0].track.slug
        # ?track=&target_role= (from a role's page) comes with both chosen.
        initial = {"track": chosen_slug, "target_role": request.GET.get("target_role", "")}
        form = StartAssessmentForm(initial=initial, ladders=ladders)
    chosen = next((ladder for ladder in ladders if ladder.track.slug == chosen_slug), None)
    template = "assessments/start.html"
    if wants_fragment(request):
        template += "#target-role-field"
    context = {
        "form": form,
        "ladders": ladders,
        "chosen": chosen,
        "seconds_per_skill": SECONDS_PER_SKILL,
    }
    return render(request, template, context, status=status)


@require_GET
@login_required
def resume(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    assessment = _get_own_assessment_or_404(request, assessment_id)
    if assessment.is_submitted:
        return redirect("assessments:report", assessment.pk)
    step = assessment.progress().first_incomplete()
    if step is None:
        return redirect("assessments:submit", assessment.pk)
    return redirect(_step_url(assessment, step.category.slug))


@require_http_methods(["GET", "POST"])
@login_required
@never_cache  # a cached copy would number its answers from a stale clock (autosave.js)
@vary_on_headers("HX-Request")
def step(request: HtmxHttpRequest, assessment_id: uuid.UUID, category_slug: str) -> HttpResponse:
    """One step of the questionnaire. `levels` names a skill of the step whose statements
    show: ?levels=<skill> opens them on the page (for htmx, it is only that skill's
    statements), and a POST with it saves the step, then comes back with them open."""
    assessment = _get_own_assessment_or_404(request, assessment_id)
    if assessment.is_submitted:
        return _submitted_already(request, assessment)
    data = request.POST if request.method == "POST" else request.GET
    open_levels = data.get("levels", "")
    if open_levels and request.method == "GET" and wants_fragment(request):
        return _level_list(assessment, category_slug, open_levels)
    progress = assessment.progress()
    current = progress.step(category_slug)
    if current is None:
        raise Http404("No such step in this assessment.")
    skills = step_skills(assessment.version, current.category)
    if all(skill.slug != open_levels for skill in skills):
        open_levels = ""
    stored = _stored_answers(assessment, current.category)
    # (level chosen, evidence, error) by skill id; forms only for a posted step.
    shown = {pk: (str(answer["level"]), answer["evidence"], "") for pk, answer in stored.items()}
    status = 200
    if request.method == "POST":
        max_level = assessment.version.max_level
        rows = step_forms(RatingForm, skills, max_level, request.POST, stored)
        # Every form validated (not all() short-circuiting), so every error is shown at once.
        if all([form.is_valid() for _, form in rows]):
            answers = [answer for _, form in rows if (answer := form.answer()) is not None]
            try:
                written = assessment.record_answers(answers, sequence=server_sequence())
            except AssessmentLocked:
                return _locked(request, assessment)
            if written < len(answers):
                messages.warning(
                    request,
                    f"Saved your answers on {current.category.name}, except "
                    f"{len(answers) - written} changed meanwhile in another tab or window: "
                    "those newer answers were kept.",
                )
            elif answers or not open_levels:
                messages.success(request, f"Saved your answers on {current.category.name}.")
            if open_levels:
                # "What each level means" without JavaScript: back to the step, that skill's
                # statements open.
                return HttpResponseSeeOther(
                    f"{_step_url(assessment, category_slug)}?levels={open_levels}"
                    f"#skill-{open_levels}"
                )
            if request.POST.get("then") == "mark-none":
                # "Answer None to the rest" without JavaScript: the choices made on the page
                # are saved first, then the rest is confirmed.
                return HttpResponseSeeOther(
                    reverse("assessments:mark_none", args=[assessment.pk, category_slug])
                )
            following = progress.after(category_slug)
            if following is None:
                return HttpResponseSeeOther(reverse("assessments:submit", args=[assessment.pk]))
            return HttpResponseSeeOther(_step_url(assessment, following.category.slug))
        status = 400
        shown = {skill.pk: fieldsets.shown_by_form(form) for skill, form in rows}
    questions = fieldsets.questions(assessment.version, skills, shown, open_levels=open_levels)
    context = {
        "assessment": assessment,
        "progress": progress,
        "current": current,
        "step_nav": fragments.step_nav(assessment.pk, progress, current=current),
        "overall_progress": fragments.overall_progress(progress, current),
        "mark_none": fragments.mark_none(assessment.pk, assessment.version, current),
        "current_number": progress.steps.index(current) + 1,
        "previous": progress.before(category_slug),
        "following": progress.after(category_slug),
        "questions": questions,
        "invalid": [question for question in questions if question.error],
    }
    return render(request, "assessments/step.html", context, status=status)


def _level_list(assessment: Assessment, category_slug: str, skill_slug: str) -> HttpResponse:
    """A skill's statements, for "What each level means" with htmx."""
    skill = version_skill(assessment.version, skill_slug)
    if skill is None or skill.category.slug != category_slug:
        raise Http404("No such skill in this step.")
    return HttpResponse(fieldsets.level_list(assessment.version, skill))


def _stored_answers(assessment: Assessment, category: Category) -> dict[int, dict]:
    """The stored answers of a step by skill id, as the step's forms take them."""
    rows = assessment.ratings.filter(skill__category=category).order_by()
    return {
        skill_id: {"level": level, "evidence": evidence}
        for skill_id, level, evidence in rows.values_list("skill_id", "level", "evidence")
    }


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def mark_none(
    request: HtmxHttpRequest, assessment_id: uuid.UUID, category_slug: str
) -> HttpResponse:
    """Answer 0 (None) to every skill of a step still unanswered: GET asks to confirm, with
    the skills listed (a fragment in the step page for htmx), POST does it for the skills
    that were listed and are still unanswered."""
    assessment = _get_own_assessment_or_404(request, assessment_id)
    if assessment.is_submitted:
        return _submitted_already(request, assessment)
    category = get_object_or_404(
        Category.objects.filter(version_id=assessment.version_id), slug=category_slug
    )
    unanswered = list(assessment.unanswered_skills().filter(category=category))
    step_url = _step_url(assessment, category.slug)
    none = assessment.version.level_name(0)
    if request.method == "POST":
        listed = set(request.POST.getlist("skill"))
        try:
            answered = assessment.answer_unanswered(
                [skill.pk for skill in unanswered if skill.slug in listed], level=0
            )
        except AssessmentLocked:
            return _locked(request, assessment)
        if answered:
            messages.success(
                request,
                f"Answered 0 {none} to {answered} skill{pluralize(answered)} of "
                f"{category.name}. You can still change any of them.",
            )
        else:
            messages.info(request, f"Every skill of {category.name} already has an answer.")
        return HttpResponseSeeOther(step_url)
    template = "assessments/mark_none.html"
    fragment = wants_fragment(request)
    if fragment:
        template += "#confirm"
    context = {
        "heading": "h2" if fragment else "h1",
        "assessment": assessment,
        "category": category,
        "unanswered": unanswered,
        "none": f"0 {none}",
        "step_url": step_url,
    }
    return render(request, template, context)


@require_POST
@login_required
def rate(request: HtmxHttpRequest, assessment_id: uuid.UUID, skill_slug: str) -> HttpResponse:
    """Autosave of one answer: a fragment for htmx, a redirect back to the step without it.
    Queries: session, user, the assessment with the skill, the answer's two statements
    (Assessment.record_answers), the progress."""
    assessment, skill = _get_own_assessment_and_skill_or_404(request, assessment_id, skill_slug)
    if skill is None:
        message = f"“{skill_slug}” is not a skill of this assessment's ladder version."
        return _answer_error(request, assessment, None, message, status=400)
    if assessment.is_submitted:
        return _locked(request, assessment, skill)
    form = RatingForm(
        request.POST, skill=skill, max_level=assessment.version.max_level, require_level=True
    )
    if not form.is_valid():
        return _answer_error(request, assessment, skill, form.first_error(), status=400)
    answer = form.answer()
    try:
        saved = assessment.record_answers(
            [answer], sequence=form.cleaned_data["seq"] or server_sequence()
        )
    except AssessmentLocked:
        return _locked(request, assessment, skill)
    level_name = assessment.version.level_name(answer.level)
    if not wants_fragment(request):
        messages.success(request, f"Saved {skill.name}: {answer.level} {level_name}.")
        return HttpResponseSeeOther(
            f"{_step_url(assessment, skill.category.slug)}#skill-{skill.slug}"
        )
    stands = answer.level
    if saved:
        save_status = fragments.answer_saved(answer.level, level_name)
    else:
        # A newer answer (a later request, another tab) was stored first: that one stands,
        # and the page shows it instead of the one refused.
        stands = _stored_level(assessment, skill)
        stored_label = f"{stands} {assessment.version.level_name(stands)}"
        save_status = fragments.newer_answer_stands(stands, stored_label)
    progress = assessment.progress()
    current = progress.step(skill.category.slug)
    chosen = fieldsets.chosen_statement(skill, str(stands), oob=True)
    return HttpResponse(
        fragments.autosave_response(
            save_status, assessment.pk, assessment.version, progress, current, chosen=chosen
        )
    )


def _get_own_assessment_and_skill_or_404(
    request: HttpRequest, assessment_id: uuid.UUID, skill_slug: str
) -> tuple[Assessment, Skill | None]:
    """The signed-in user's assessment with its version (anyone else's is a 404, so its
    existence never leaks) and the skill of that version with this slug (None when it has
    none): one query, and the version's skills as version_skill keeps them."""
    # Only what an autosave reads: every other column would be converted on every answer.
    assessments = (
        Assessment.objects.owned_by(request.user)
        .select_related("version")
        .only("status", "version__status", "version__scale", "version__content_hash")
    )
    assessment = get_object_or_404(assessments, pk=assessment_id)
    return assessment, version_skill(assessment.version, skill_slug)


def _stored_level(assessment: Assessment, skill: Skill) -> int | None:
    return assessment.ratings.filter(skill=skill).values_list("level", flat=True).first()


def _answer_error(
    request: HtmxHttpRequest,
    assessment: Assessment,
    skill: Skill | None,
    message: str,
    *,
    status: int,
    stored: int | None = None,
) -> HttpResponse:
    # 409: submitted, so trying again cannot help; the way on is the report.
    locked = status == 409
    way_on = (
        (reverse("assessments:report", args=[assessment.pk]), "See the report") if locked else None
    )
    if wants_fragment(request):
        save_status = fragments.answer_refused(message, way_on=way_on, revert=locked, stored=stored)
        return HttpResponse(save_status, status=status)
    context = {"assessment": assessment, "skill": skill, "error": message}
    if way_on is not None:
        back = way_on
    elif skill is not None:
        url = f"{_step_url(assessment, skill.category.slug)}#skill-{skill.slug}"
        back = (url, f"Back to {skill.name}")
    else:
        back = (reverse("assessments:resume", args=[assessment.pk]), "Back to the assessment")
    context["back_url"], context["back_text"] = back
    return render(request, "assessments/answer_error.html", context, status=status)


def _submitted_already(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """A questionnaire page of a submitted assessment: answers are refused, pages lead to the
    report."""
    if request.method == "POST":
        return _locked(request, assessment)
    messages.info(request, LOCKED_MESSAGE)
    return redirect("assessments:report", assessment.pk)


def _locked(
    request: HttpRequest, assessment: Assessment, skill: Skill | None = None
) -> HttpResponse:
    """A stale page answering a submitted assessment: the page is told the stored answer, so
    it shows that one and not the refused one."""
    stored = _stored_level(assessment, skill) if skill is not None else None
    return _answer_error(request, assessment, skill, LOCKED_MESSAGE, status=409, stored=stored)


@require_http_methods(["GET", "POST"])
@login_required
def submit(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    assessment = _get_own_assessment_or_404(request, assessment_id)
    report_url = reverse("assessments:report", args=[assessment.pk])
    if assessment.is_submitted:
        # Submitting twice (a double click, a resent form) is not an error.
        return HttpResponseSeeOther(report_url)
    status = 200
    if request.method == "POST":
        try:
            submitted = assessment.submit()
        except AssessmentIncomplete:
            status = 400
            messages.error(request, "Answer every skill before submitting (0 is an answer).")
        else:
            if submitted:
                messages.success(request, "Submitted: your answers are locked.")
            return HttpResponseSeeOther(report_url)
    progress = assessment.progress()
    context = {
        "assessment": assessment,
        "step_nav": fragments.step_nav(assessment.pk, progress, on_review=True),
        "overall_progress": fragments.overall_progress(progress),
        "unanswered": list(assessment.unanswered_skills()),
    }
    return render(request, "assessments/submit.html", context, status=status)


@require_GET
@login_required
def progress(request: HttpRequest, track_slug: str) -> HttpResponse:
    """Every assessment of the user on one track, and how the scores moved between them;
    `?compare=<assessment id>` writes out in full what moved between that submission and the
    one before it, `?pairs=all` lists every pair of consecutive submissions, not the latest few.

    Queries: the track, the assessments, the answers of the drafts among them (when there
    are any), and four for the matrices of all the versions this process has not built yet:
    more assessments, skills or versions cost nothing more (submitted levels were kept at
    submission)."""
    track = get_object_or_404(Track, slug=track_slug)
    # Only what the page shows or scores with is read: a history of fifty rows would convert
    # every other column fifty times. The version's scale and thresholds stay, for a matrix
    # this process has not built yet.
    assessments = list(
        Assessment.objects.history(request.user, track).only(
            "status",
            "created_at",
            "submitted_at",
            "submitted_levels",
            "version__number",
            "version__status",
            "version__scale",
            "version__ready_threshold",
            "version__close_threshold",
            "version__content_hash",
            "target_role__slug",
            "target_role__title",
        )
    )
    matrices = matrices_of(assessments)
    # A draft has no snapshot: its answers come from its ratings, with those of any submission
    # made before snapshots were kept, in one query.
    levels = stored_levels(
        ((a.pk, a.version_id, a.submitted_levels) for a in assessments), matrices
    )
    history = build_history(
        assessments,
        levels,
        matrices,
        compare=request.GET.get("compare", ""),
        all_pairs=request.GET.get("pairs") == "all",
    )
    return render(request, "assessments/progress.html", {"track": track, "history": history})
