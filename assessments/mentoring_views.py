"""Mentoring pages: the mentoring page (invite a mentor, the invitations and mentors of a
seeker, the mentees of a mentor), an invitation's own page where it is accepted, ending a
mentorship from either side, and a mentor's cohort view.

Who may do what (DESIGN.md "Actors"): an invitation link works for whoever holds it until it
is used, withdrawn or expired; everything else answers only the parties to it, and 404 to
anyone else."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import cohort as cohorts
from assessments.forms import InvitationForm
from assessments.mentees import mentee_cards, mentees_of, reviews_of_mine
from assessments.models import (
    Invitation,
    InvitationRefused,
    InvitationUnusable,
    Mentorship,
)
from careerfit import mail
from careerfit.http import HttpResponseSeeOther
from careerfit.next_url import with_next

GONE_REASONS = {
    Invitation.Status.ACCEPTED: "It has been accepted already: each invitation link works once.",
    Invitation.Status.REVOKED: "The person who sent it has withdrawn it.",
    Invitation.Status.EXPIRED: "It has expired: invitation links work for a limited time.",
}


def _invitation_link(request: HttpRequest, invitation: Invitation) -> str:
    return request.build_absolute_uri(reverse("mentoring:invitation", args=[invitation.token]))


@require_GET
@login_required
def mentoring(request: HttpRequest) -> HttpResponse:
    return _mentoring_page(request, InvitationForm(seeker=request.user))


def _mentoring_page(request: HttpRequest, form: InvitationForm, status: int = 200) -> HttpResponse:
    """My mentors (invitations, mentors, reviews of my assessments) and my mentees."""
    user = request.user
    mentors = list(
        Mentorship.objects.active().filter(seeker=user).select_related("mentor", "invitation")
    )
    invitations = Invitation.objects.open().filter(seeker=user)
    mentees = mentees_of(user)
    own_assessments, older_assessments = reviews_of_mine(user, {m.mentor_id for m in mentors})
    context = {
        "form": form,
        "invitations": [(invite, _invitation_link(request, invite)) for invite in invitations],
        "mentors": mentors,
        "own_assessments": own_assessments,
        "older_assessments": older_assessments,
        "mentees": mentees,
        "mentee_cards": mentee_cards(mentees),
        "invitation_days": settings.MENTOR_INVITATION_DAYS,
    }
    return render(request, "assessments/mentoring.html", context, status=status)


@require_POST
@login_required
def invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST, seeker=request.user)
    if not form.is_valid():
        return _mentoring_page(request, form, status=400)
    email, note = form.cleaned_data["email"], form.cleaned_data["message"]
    try:
        invitation, send_now = Invitation.objects.send(request.user, email, note)
    except InvitationRefused as refusal:
        messages.error(request, str(refusal))
        return _mentoring_page(request, form, status=429)
    if send_now:
        context = {
            "seeker": request.user.get_username(),
            "invitation": invitation,
            "link": _invitation_link(request, invitation),
        }
        mail.send(mail.message("assessments/email/invitation.txt", invitation.email, context))
        messages.success(
            request,
            f"Invitation sent to {invitation.email}. You can also copy its link below and "
            "send it in a chat.",
        )
    else:
        minutes = settings.MENTOR_INVITATION_RESEND_MINUTES
        messages.info(
            request,
            f"You e-mailed {invitation.email} less than {minutes} minutes ago, so we did not "
            f"send it again; the link below works until {invitation.expires_at:%d %B %Y}. "
            "Copy it into a chat or an email of your own.",
        )
    return HttpResponseSeeOther(reverse("mentoring:index") + f"#invitation-{invitation.pk}")


@require_http_methods(["GET", "POST"])
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Who invites you and what you will see; POST (logged in) accepts. Anonymous visitors
    log in or sign up, and come back here."""
    invitation = Invitation.from_token(token)
    if invitation is None:
        return render(request, "assessments/invitation_gone.html", {"reason": None}, status=404)
    if not invitation.is_pending:
        context = {"reason": GONE_REASONS[invitation.status]}
        return render(request, "assessments/invitation_gone.html", context, status=410)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            _, is_new = invitation.accept(user)
        except InvitationUnusable as refusal:
            context = {"invitation": invitation, "error": str(refusal)}
            return render(request, "assessments/invitation.html", context, status=400)
        seeker = invitation.seeker.get_username()
        if is_new:
            context = {"mentor": user.get_username(), "link": _absolute(request, "index")}
            mail.send(
                mail.message(
                    "assessments/email/invitation_accepted.txt", invitation.seeker.email, context
                )
            )
            messages.success(
                request,
                f"You are now {seeker}'s mentor. Their submitted assessments are listed under "
                "Your mentees.",
            )
        else:
            messages.info(request, f"You were already {seeker}'s mentor: nothing has changed.")
        return HttpResponseSeeOther(reverse("mentoring:index") + "#mentees")
    here = request.get_full_path()
    context = {
        "invitation": invitation,
        "is_own": user.is_authenticated and user.pk == invitation.seeker_id,
        "login_url": with_next(reverse("login"), here),
        "signup_url": with_next(reverse("signup"), here),
    }
    return render(request, "assessments/invitation.html", context)


def _absolute(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(reverse(f"mentoring:{name}"))


def _get_own_invitation_or_404(request: HttpRequest, invitation_id: uuid.UUID) -> Invitation:
    """One of the signed-in seeker's invitations; anyone else's is a 404."""
    return get_object_or_404(Invitation.objects.filter(seeker=request.user), pk=invitation_id)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    invitation = _get_own_invitation_or_404(request, invitation_id)
    if invitation.revoke():
        messages.success(
            request, f"Invitation to {invitation.email} withdrawn: its link no longer works."
        )
    else:
        messages.info(request, f"The invitation to {invitation.email} was no longer open.")
    return HttpResponseSeeOther(reverse("mentoring:index"))


def _get_mentorship_for_party_or_404(request: HttpRequest, mentorship_id: uuid.UUID) -> Mentorship:
    """A mentorship the signed-in user is a party to: the seeker's, ended or not, and the
    mentor's while it lasts (once ended, nothing of the seeker's answers the mentor)."""
    mentorships = Mentorship.objects.involving(request.user).select_related("seeker", "mentor")
    mentorship = get_object_or_404(mentorships, pk=mentorship_id)
    if not mentorship.is_active and mentorship.mentor_id == request.user.pk:
        raise Http404("No such mentorship.")
    return mentorship


@require_http_methods(["GET", "POST"])
@login_required
def mentorship_end(request: HttpRequest, mentorship_id: uuid.UUID) -> HttpResponse:
    """GET asks to confirm, POST ends it: the seeker revokes, the mentor leaves."""
    mentorship = _get_mentorship_for_party_or_404(request, mentorship_id)
    as_seeker = mentorship.seeker_id == request.user.pk
    if not mentorship.is_active:
        # Only the seeker gets here (a double click, an old tab): not an error.
        messages.info(request, f"{mentorship.mentor.get_username()} is no longer your mentor.")
        return HttpResponseSeeOther(reverse("mentoring:index"))
    if request.method == "POST":
        by = Mentorship.EndedBy.SEEKER if as_seeker else Mentorship.EndedBy.MENTOR
        mentorship.end(by)
        if as_seeker:
            text = f"{mentorship.mentor.get_username()} is no longer your mentor."
        else:
            text = f"You no longer mentor {mentorship.seeker.get_username()}."
        messages.success(request, text)
        return HttpResponseSeeOther(reverse("mentoring:index"))
    context = {"mentorship": mentorship, "as_seeker": as_seeker}
    return render(request, "assessments/mentorship_end.html", context)


@require_GET
@login_required
def cohort(request: HttpRequest) -> HttpResponse:
    """The mentor's mentees x skills heat map of gaps to each one's target role, one ladder at a
    time, sortable by skill."""
    try:
        view = cohorts.build_cohort(
            request.user, request.GET.get("track", ""), request.GET.get("sort", "")
        )
    except cohorts.UnknownChoice as problem:
        return render(request, "assessments/cohort.html", {"problem": str(problem)}, status=400)
    return render(request, "assessments/cohort.html", {"cohort": view})
