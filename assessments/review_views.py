"""A mentor's review of a mentee's submitted assessment: the overview (steps, overall note,
submit), one step per category of the questionnaire with every answer autosaved, the autosave
of one answer (the public contract), and submitting. And the seeker's "Ask for a review".

Only an accepted mentor, while the mentorship lasts, reaches a review; the seeker's own
ratings are read here, never written."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from assessments import fieldsets, fragments
from assessments.forms import ReviewNoteForm, ReviewRatingForm, step_forms
from assessments.models import (
    Assessment,
    Mentorship,
    Progress,
    Rating,
    Review,
    ReviewAnswer,
    ReviewEmpty,
    ReviewLocked,
    ReviewRating,
    server_sequence,
)
from assessments.models.assessment import progress_of
from assessments.scored import step_skills, version_skill
from careerfit import mail
from careerfit.http import HtmxHttpRequest, HttpResponseSeeOther, wants_fragment
from careerfit.next_url import safe_next
from roles.models import Category, Skill

LOCKED_MESSAGE = "You have submitted this review: it is locked."
EMPTY_MESSAGE = "Give a level for at least one skill, or write a note, before submitting."
# A seeker may notify their mentors about one assessment once a day.
ASK_INTERVAL = timedelta(days=1)


def _get_assessment_for_reviewer(request: HttpRequest, assessment_id: uuid.UUID) -> Assessment:
    """A submitted assessment of someone the signed-in user mentors now. Anything else (a
    draft, the user's own, anyone else's, after the mentorship ended) is a 404."""
    assessments = Assessment.objects.shared_with(request.user).select_related(
        "user", "track", "version", "target_role"
    )
    return get_object_or_404(assessments, pk=assessment_id)


def _own_review(request: HttpRequest, assessment: Assessment) -> Review | None:
    review = Review.objects.filter(assessment=assessment, mentor=request.user).first()
    if review is not None:
        review.assessment = assessment  # already loaded, with its version
    return review


def _started_review(request: HttpRequest, assessment: Assessment) -> Review:
    review, _ = Review.objects.get_or_create(assessment=assessment, mentor=request.user)
    review.assessment = assessment
    return review


def _progress(assessment: Assessment, review: Review | None) -> Progress:
    if review is None:
        return progress_of(assessment.version_id, ReviewRating.objects.filter(review__isnull=True))
    return review.progress()


def _review_url(assessment: Assessment) -> str:
    return reverse("assessments:review", args=[assessment.pk])


def _step_url(assessment: Assessment, category_slug: str) -> str:
    return reverse("assessments:review_step", args=[assessment.pk, category_slug])


@require_http_methods(["GET", "POST"])
@login_required
def review(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """The review's overview: its steps with what is done, the overall note (POST saves it)
    and the submit button; once submitted, what was sent."""
    assessment = _get_assessment_for_reviewer(request, assessment_id)
    review = _own_review(request, assessment)
    status = 200
    form = ReviewNoteForm(initial={"note": review.note if review else ""})
    if request.method == "POST":
        if review is not None and review.is_submitted:
            return _locked(request, assessment)
        form = ReviewNoteForm(request.POST)
        if form.is_valid():
            review = review or _started_review(request, assessment)
            try:
                review.save_note(form.cleaned_data["note"])
            except ReviewLocked:
                return _locked(request, assessment)
            messages.success(request, "Your note is saved.")
            return HttpResponseSeeOther(_review_url(assessment) + "#note")
        status = 400
    progress = _progress(assessment, review)
    context = {
        "assessment": assessment,
        "seeker": assessment.user.get_username(),
        "review": review,
        "progress": progress,
        "form": form,
    }
    return render(request, "assessments/review.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@never_cache  # a cached copy would number its answers from a stale clock (autosave.js)
def review_step(request: HttpRequest, assessment_id: uuid.UUID, category_slug: str) -> HttpResponse:
    """One category: for each skill the seeker's level, what it means and their evidence,
    and the mentor's own level and comment (assessments/fieldsets.py makes each skill's
    fieldset). Works as a plain form (Agree buttons included); with htmx each answer
    autosaves to review_rate."""
    assessment = _get_assessment_for_reviewer(request, assessment_id)
    review = _own_review(request, assessment)
    if review is not None and review.is_submitted:
        if request.method == "POST":
            return _locked(request, assessment)
        messages.info(request, LOCKED_MESSAGE)
        return redirect(_review_url(assessment))
    progress = _progress(assessment, review)
    current = progress.step(category_slug)
    if current is None:
        raise Http404("No such step in this assessment.")
    data = request.POST if request.method == "POST" else None
    agree = data.get("agree", "") if data is not None else ""
    rows = _step_rows(assessment, review, current.category, data)
    status = 200
    if data is not None:
        if all([form.is_valid() for _, _, form in rows]):
            answers = []
            for skill, seeker, form in rows:
                answer = form.answer()
                if skill.slug == agree:
                    answer = _agreeing(skill, seeker, answer)
                if answer is not None:
                    answers.append(answer)
            review = review or _started_review(request, assessment)
            try:
                review.record_answers(answers, sequence=server_sequence())
            except ReviewLocked:
                return _locked(request, assessment)
            return _after_step_saved(request, assessment, progress, current, agree)
        status = 400
    seeker = assessment.user.get_username()
    skills = fieldsets.reviews(
        assessment.version,
        seeker,
        (
            (skill, _their_answer(rating), fieldsets.shown_by_form(form))
            for skill, rating, form in rows
        ),
    )
    context = {
        "assessment": assessment,
        "seeker": seeker,
        "review": review,
        "progress": progress,
        "current": current,
        "current_number": progress.steps.index(current) + 1,
        "previous": progress.before(category_slug),
        "following": progress.after(category_slug),
        "skills": skills,
        "invalid": [skill for skill in skills if skill.error],
    }
    return render(request, "assessments/review_step.html", context, status=status)


def _their_answer(rating: Rating | None) -> tuple[int, str]:
    """The seeker's level and evidence for a skill; one they left unanswered counts as 0."""
    if rating is None:
        return 0, ""
    return rating.level, rating.evidence


def _agreeing(skill: Skill, seeker: Rating | None, answer: ReviewAnswer | None) -> ReviewAnswer:
    """The answer an Agree button gives: the seeker's level, with the comment posted."""
    level = seeker.level if seeker is not None else 0
    return ReviewAnswer(skill_id=skill.pk, level=level, comment=answer.comment if answer else None)


def _after_step_saved(
    request: HttpRequest, assessment: Assessment, progress: Progress, current, agree: str
) -> HttpResponse:
    if agree:
        messages.success(request, "Saved: you agree with their level.")
        return HttpResponseSeeOther(f"{_step_url(assessment, current.category.slug)}#skill-{agree}")
    messages.success(request, f"Saved your review of {current.category.name}.")
    following = progress.after(current.category.slug)
    if following is None:
        return HttpResponseSeeOther(_review_url(assessment) + "#note")
    return HttpResponseSeeOther(_step_url(assessment, following.category.slug))


def _step_rows(
    assessment: Assessment, review: Review | None, category: Category, data: QueryDict | None
) -> list[tuple[Skill, Rating | None, ReviewRatingForm]]:
    """Each skill of the step with the seeker's answer and the mentor's form (prefixed by the
    skill's slug, showing the stored answer)."""
    seeker = {
        rating.skill_id: rating
        for rating in Rating.objects.filter(assessment=assessment, skill__category=category)
    }
    stored = {}
    if review is not None:
        stored = {
            answer.skill_id: {"level": answer.level, "comment": answer.comment}
            for answer in ReviewRating.objects.filter(review=review, skill__category=category)
        }
    skills = step_skills(assessment.version, category)
    forms = step_forms(ReviewRatingForm, skills, assessment.version.max_level, data, stored)
    return [(skill, seeker.get(skill.pk), form) for skill, form in forms]


@require_POST
@login_required
def review_rate(
    request: HtmxHttpRequest, assessment_id: uuid.UUID, skill_slug: str
) -> HttpResponse:
    """Autosave of one of the mentor's answers: a fragment for htmx, a redirect back to the
    step without it."""
    assessment = _get_assessment_for_reviewer(request, assessment_id)
    skill = version_skill(assessment.version, skill_slug)
    if skill is None:
        message = f"“{skill_slug}” is not a skill of this assessment's ladder version."
        return _answer_error(request, assessment, None, message, status=400)
    review = _own_review(request, assessment)
    if review is not None and review.is_submitted:
        return _answer_error(request, assessment, skill, LOCKED_MESSAGE, status=409)
    form = ReviewRatingForm(
        request.POST, skill=skill, max_level=assessment.version.max_level, require_level=True
    )
    if not form.is_valid():
        return _answer_error(request, assessment, skill, form.first_error(), status=400)
    answer = form.answer()
    review = review or _started_review(request, assessment)
    try:
        saved = review.record_answers(
            [answer], sequence=form.cleaned_data["seq"] or server_sequence()
        )
    except ReviewLocked:
        return _answer_error(request, assessment, skill, LOCKED_MESSAGE, status=409)
    level_name = assessment.version.level_name(answer.level)
    if not wants_fragment(request):
        messages.success(request, f"Saved {skill.name}: {answer.level} {level_name}.")
        return HttpResponseSeeOther(
            f"{_step_url(assessment, skill.category.slug)}#skill-{skill.slug}"
        )
    seeker_level = (
        Rating.objects.filter(assessment=assessment, skill=skill)
        .values_list("level", flat=True)
        .first()
    )
    if saved:
        same_as = assessment.user.get_username() if answer.level == seeker_level else ""
        save_status = fragments.answer_saved(answer.level, level_name, same_as)
    else:
        # A newer answer (a later request) was already stored: that one stands.
        save_status = fragments.NEWER_ANSWER_SAVED
    progress = review.progress()
    context = {
        "assessment": assessment,
        "save_status": save_status,
        "progress": progress,
        "current": progress.step(skill.category.slug),
    }
    return render(request, "assessments/review_step.html#autosave-response", context)


def _answer_error(
    request: HtmxHttpRequest,
    assessment: Assessment,
    skill: Skill | None,
    message: str,
    *,
    status: int,
) -> HttpResponse:
    # 409: submitted, so trying again cannot help; the way on is the review's overview.
    locked = status == 409
    if wants_fragment(request):
        way_on = (_review_url(assessment), "See your review") if locked else None
        return HttpResponse(fragments.answer_refused(message, way_on=way_on), status=status)
    context = {"assessment": assessment, "skill": skill, "error": message}
    if skill is not None and not locked:
        url = f"{_step_url(assessment, skill.category.slug)}#skill-{skill.slug}"
        context["back_url"], context["back_text"] = url, f"Back to {skill.name}"
    else:
        context["back_url"], context["back_text"] = _review_url(assessment), "Back to the review"
    return render(request, "assessments/answer_error.html", context, status=status)


def _locked(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    return _answer_error(request, assessment, None, LOCKED_MESSAGE, status=409)


@require_POST
@login_required
def review_submit(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """Lock the review (saving the note posted with it) and e-mail the seeker."""
    assessment = _get_assessment_for_reviewer(request, assessment_id)
    review = _own_review(request, assessment)
    if review is not None and review.is_submitted:
        # Submitting twice (a double click, a resent form) is not an error.
        return HttpResponseSeeOther(_review_url(assessment))
    form = ReviewNoteForm(request.POST)
    if not form.is_valid():
        context = {
            "assessment": assessment,
            "seeker": assessment.user.get_username(),
            "review": review,
            "progress": _progress(assessment, review),
            "form": form,
        }
        return render(request, "assessments/review.html", context, status=400)
    note = form.cleaned_data["note"]
    try:
        if review is None:
            if not note.strip():
                raise ReviewEmpty
            review = _started_review(request, assessment)
        if "note" in request.POST:
            review.save_note(note)
        submitted = review.submit()
    except ReviewEmpty:
        messages.error(request, EMPTY_MESSAGE)
        return HttpResponseSeeOther(_review_url(assessment))
    except ReviewLocked:
        return HttpResponseSeeOther(_review_url(assessment))
    if submitted:
        seeker = assessment.user
        context = {
            "seeker": seeker.get_username(),
            "mentor": request.user.get_username(),
            "assessment": assessment,
            "link": request.build_absolute_uri(
                reverse("assessments:report", args=[assessment.pk]) + f"?review={review.pk}"
            ),
        }
        mail.send(mail.message("assessments/email/review_submitted.txt", seeker.email, context))
        messages.success(
            request, f"Review submitted: {seeker.get_username()} has been told by email."
        )
    return HttpResponseSeeOther(_review_url(assessment))


@require_POST
@login_required
def ask_review(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """The seeker asks their mentors to review a submitted assessment: each mentor who has not
    reviewed it yet gets an e-mail, at most once a day."""
    assessment = get_object_or_404(
        Assessment.objects.owned_by(request.user).select_related("track", "target_role"),
        pk=assessment_id,
    )
    back = safe_next(request) or reverse("assessments:report", args=[assessment.pk])
    if not assessment.is_submitted:
        return _refused(
            request, "Submit the assessment first: mentors review submitted ones.", back, 409
        )
    mentorships = Mentorship.objects.active().filter(seeker=request.user).select_related("mentor")
    reviewed = Review.objects.submitted().filter(assessment=assessment).values("mentor_id")
    to_ask = list(mentorships.exclude(mentor__in=reviewed))
    now = timezone.now()
    asked = assessment.review_requested_at
    if not to_ask:
        if mentorships.exists():
            text = "Every one of your mentors has reviewed this assessment already."
        else:
            text = "You have no mentor yet: invite one from the Mentoring page first."
        return _refused(request, text, back, 409)
    if asked is not None and asked > now - ASK_INTERVAL:
        text = (
            f"You asked on {asked:%d %B at %H:%M} UTC and your mentors were told by email. "
            "You can remind them a day after that."
        )
        return _refused(request, text, back, 429)
    Assessment.objects.filter(pk=assessment.pk).update(review_requested_at=now)
    link = request.build_absolute_uri(_review_url(assessment))
    for mentorship in to_ask:
        context = {
            "seeker": request.user.get_username(),
            "mentor": mentorship.mentor.get_username(),
            "assessment": assessment,
            "link": link,
        }
        mail.send(
            mail.message("assessments/email/review_requested.txt", mentorship.mentor.email, context)
        )
    names = ", ".join(mentorship.mentor.get_username() for mentorship in to_ask)
    told = "has" if len(to_ask) == 1 else "have"
    messages.success(request, f"Asked for a review: {names} {told} been told by email.")
    return HttpResponseSeeOther(back)


def _refused(request: HttpRequest, message: str, back: str, status: int) -> HttpResponse:
    context = {"title": "Nothing was sent", "message": message, "back": back}
    return render(request, "assessments/refused.html", context, status=status)
