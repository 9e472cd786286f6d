"""Home page, health check and the account pages: sign up, the account overview, export of
everything we hold about the user, and deleting it."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from assessments.models import Assessment, Invitation, Mentorship, Rating, Review, ReviewRating
from careerfit.forms import DeleteAccountForm, SignupForm, confirmation_token_generator
from careerfit.next_url import safe_next, with_next
from roles.models import Track


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    tracks = Track.objects.with_current_version()
    return render(request, "careerfit/home.html", {"tracks": tracks})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico of pages that name no icon (a JSON export opened in a tab)."""
    return redirect(static("favicon.svg"), permanent=True)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up; a same-site `next` is carried through the confirmation e-mail, so the new
    account lands where the visitor was sent here from."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "assessments:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.register(request, next_url)
        return redirect(with_next(reverse("signup_done"), next_url))
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@require_GET
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_done.html", {"next": safe_next(request)})


@require_http_methods(["GET", "POST"])
@never_cache
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: link scanners that open e-mailed links must not
    confirm (and log in) on the person's behalf."""
    account = _unconfirmed_account(uidb64, token)
    next_url = safe_next(request)
    if request.method == "POST" and account is not None:
        account.is_active = True
        account.save(update_fields=["is_active"])
        login(request, account, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account is confirmed. Welcome to CareerFit!")
        return redirect(next_url or "assessments:list")
    status = 200 if account is not None else 400
    context = {"account": account, "next": next_url}
    return render(request, "registration/signup_confirm.html", context, status=status)


def _unconfirmed_account(uidb64: str, token: str) -> User | None:
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = User.objects.filter(pk=int(pk), is_active=False).first()
    except (ValueError, UnicodeDecodeError):
        return None
    if user is None or not confirmation_token_generator.check_token(user, token):
        return None
    return user


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "careerfit/account.html")


@require_GET
@login_required
@never_cache
def account_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    response = JsonResponse(_account_data(user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"careerfit-{user.get_username()}-data.json"
    )
    return response


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = DeleteAccountForm(user, data, request=request)
    if form.is_bound and form.is_valid():
        # With it go (on_delete=CASCADE) their assessments and ratings, the reviews mentors
        # wrote of them, their invitations, their mentorships on either side, and the reviews
        # they wrote as a mentor, which the people they reviewed then no longer see.
        user.delete()
        logout(request)
        messages.success(request, "Your account and all your assessments have been deleted.")
        return redirect("home")
    context = {
        "form": form,
        "assessment_count": Assessment.objects.owned_by(user).count(),
        "mentorship_count": Mentorship.objects.active().involving(user).count(),
        "reviews_written": Review.objects.submitted().filter(mentor=user).count(),
    }
    return render(request, "registration/account_delete.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, with the request handed to the form so that it can throttle the check."""

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


def _account_data(user: User) -> dict[str, Any]:
    """Everything CareerFit holds about the user: profile, assessments (with their ratings and
    the reviews mentors submitted of them), invitations sent, mentorships on either side and
    the reviews they wrote; nine queries whatever its size."""
    review_answers = Prefetch("ratings", queryset=ReviewRating.objects.select_related("skill"))
    reviews_received = (
        Review.objects.submitted().select_related("mentor").prefetch_related(review_answers)
    )
    assessments = (
        Assessment.objects.owned_by(user)
        .select_related("track", "target_role", "version")
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.select_related("skill")),
            Prefetch("reviews", queryset=reviews_received),
        )
    )
    reviews_written = (
        Review.objects.filter(mentor=user)
        .select_related("assessment__user", "assessment__track")
        .prefetch_related(review_answers)
    )
    mentorships = Mentorship.objects.involving(user).select_related("seeker", "mentor")
    return {
        "exported_at": timezone.now(),
        "profile": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "assessments": [
            {
                "id": assessment.id,
                "track": assessment.track.slug,
                "target_role": assessment.target_role.slug,
                "matrix_version": assessment.version.number,
                "status": assessment.status,
                "created_at": assessment.created_at,
                "updated_at": assessment.updated_at,
                "submitted_at": assessment.submitted_at,
                "review_requested_at": assessment.review_requested_at,
                "ratings": [
                    {
                        "skill": rating.skill.slug,
                        "level": rating.level,
                        "evidence": rating.evidence,
                        "updated_at": rating.updated_at,
                    }
                    for rating in assessment.ratings.all()
                ],
                "reviews_received": [
                    {"mentor": review.mentor.get_username(), **_review_data(review)}
                    for review in assessment.reviews.all()
                ],
            }
            for assessment in assessments
        ],
        "invitations_sent": [
            {
                "email": invitation.email,
                "message": invitation.message,
                "status": invitation.status,
                "created_at": invitation.created_at,
                "sent_at": invitation.sent_at,
                "expires_at": invitation.expires_at,
                "accepted_at": invitation.accepted_at,
                "revoked_at": invitation.revoked_at,
            }
            for invitation in Invitation.objects.filter(seeker=user)
        ],
        "mentorships": [
            {
                "role": "seeker" if mentorship.seeker_id == user.pk else "mentor",
                "with": (
                    mentorship.mentor if mentorship.seeker_id == user.pk else mentorship.seeker
                ).get_username(),
                "started_at": mentorship.started_at,
                "ended_at": mentorship.ended_at,
                "ended_by": mentorship.ended_by,
            }
            for mentorship in mentorships
        ],
        "reviews_written": [
            {
                "assessment": review.assessment_id,
                "seeker": review.assessment.user.get_username(),
                "track": review.assessment.track.slug,
                **_review_data(review),
            }
            for review in reviews_written
        ],
    }


def _review_data(review: Review) -> dict[str, Any]:
    return {
        "status": review.status,
        "note": review.note,
        "created_at": review.created_at,
        "submitted_at": review.submitted_at,
        "ratings": [
            {"skill": answer.skill.slug, "level": answer.level, "comment": answer.comment}
            for answer in review.ratings.all()
        ],
    }
