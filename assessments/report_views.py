"""An assessment's report and its JSON and CSV exports, read by its owner (drafts too) and by
the seeker's mentors (submitted ones, with their reviews)."""

from __future__ import annotations

import csv
import io
import uuid

import orjson
from django.contrib.auth.decorators import login_required
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from assessments import exports, plan, reports
from assessments.models import Assessment, Mentorship, Review
from assessments.reviewed import LoadedReview, choose_review, load_reviews, review_section
from assessments.scored import Scored, score_assessment
from roles.models import MatrixVersion

REPORT_BODY = "assessments/report_body.jinja"


# What a report page reads of _report_facts, and what an export reads.
REPORT_FACTS = ("newest_version_number", "has_reviews", "seeker_has_mentors")
EXPORT_FACTS = ("has_reviews",)


def _report_facts(names: tuple[str, ...]) -> dict[str, RawSQL]:
    """What a report would otherwise ask for one query each, mostly to find nothing, as
    columns of the assessment's own query (those `names`): the number of the track's newest
    published version, whether the assessment has reviews and whether its seeker has mentors
    now. Written as SQL: the ORM takes longer to build these three subqueries than the
    database takes to answer the whole query. They filter as MatrixVersionQuerySet.published()
    and MentorshipQuerySet.active() do: a change to either belongs here too."""
    assessment = Assessment._meta.db_table
    versions, reviews = MatrixVersion._meta.db_table, Review._meta.db_table
    mentorships = Mentorship._meta.db_table
    facts = {
        "newest_version_number": RawSQL(
            f'SELECT MAX("number") FROM "{versions}" WHERE "track_id" = "{assessment}"."track_id"'
            ' AND "status" = %s',
            (MatrixVersion.Status.PUBLISHED,),
        ),
        "has_reviews": RawSQL(
            f'EXISTS (SELECT 1 FROM "{reviews}" WHERE "assessment_id" = "{assessment}"."id")', ()
        ),
        "seeker_has_mentors": RawSQL(
            f'EXISTS (SELECT 1 FROM "{mentorships}"'
            f' WHERE "seeker_id" = "{assessment}"."user_id" AND "ended_at" IS NULL)',
            (),
        ),
    }
    return {name: facts[name] for name in names}


def _get_assessment_for_viewer(
    request: HttpRequest, assessment_id: uuid.UUID, facts: tuple[str, ...]
) -> Assessment:
    """The signed-in user's own assessment (drafts too), or a submitted one of someone they
    mentor now; anything else is a 404, so its existence never leaks. With those `facts` of
    _report_facts."""
    assessments = Assessment.objects.select_related(
        "user", "track", "version", "target_role"
    ).annotate(**_report_facts(facts))
    assessment = get_object_or_404(assessments, pk=assessment_id)
    if not assessment.is_visible_to(request.user):
        raise Http404("No Assessment matches the given query.")
    return assessment


def _scored_for_viewer(
    request: HttpRequest, assessment_id: uuid.UUID, facts: tuple[str, ...]
) -> tuple[Scored, list[LoadedReview], LoadedReview | None]:
    """The assessment scored (with `facts`, has_reviews among them), the reviews the viewer
    may read, and the one the reviewed score uses (`?review=<id>`, by default the latest
    submitted)."""
    assessment = _get_assessment_for_viewer(request, assessment_id, facts)
    reviews = load_reviews(assessment, request.user) if assessment.has_reviews else []
    chosen = choose_review(reviews, request.GET.get("review", ""))
    scored = score_assessment(assessment, chosen.levels if chosen else None)
    return scored, reviews, chosen


@require_GET
@login_required
def report(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """The report: drafts too (for their owner only), marked as such, with unanswered skills
    counted as 0; beside it, a mentor's reviewed result."""
    scored, reviews, chosen = _scored_for_viewer(request, assessment_id, REPORT_FACTS)
    assessment = scored.assessment
    context = {
        "assessment": assessment,
        "viewer_is_owner": assessment.user_id == request.user.pk,
        "report": reports.kept_report(
            scored, newer=assessment.newer_version(assessment.newest_version_number)
        ),
        "plan": plan.build_plan(scored),
        "review": review_section(
            scored, reviews, chosen, request.user, seeker_has_mentors=assessment.seeker_has_mentors
        ),
    }
    # The body, some 200 tags and variables around the rows made in Python, is a Jinja2
    # template (careerfit/templating.py): Django's template language took 2.5 times as long to
    # print it (1.8 ms against 0.7 at 164 skills, a sixth of a first view). Jinja2 escapes its
    # text as Django's language would, so what it prints is safe.
    body = render_to_string(REPORT_BODY, context, request, using="jinja2")
    return render(request, "assessments/report.html", {**context, "body": mark_safe(body)})


@require_GET
@login_required
def report_json(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    scored, reviews, chosen = _scored_for_viewer(request, assessment_id, EXPORT_FACTS)
    # Compact, by orjson: a large ladder's report is some 150 KB of JSON, which the standard
    # library's encoder takes several times longer to write than the rest of the request.
    response = HttpResponse(
        orjson.dumps(exports.report_json(scored, reviews, chosen)),
        content_type="application/json",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exports.export_filename(scored.assessment, "json")
    )
    return response


@require_GET
@login_required
def report_csv(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    scored, _, chosen = _scored_for_viewer(request, assessment_id, EXPORT_FACTS)
    rows = io.StringIO()
    csv.writer(rows).writerows(exports.csv_rows(scored, chosen))
    response = HttpResponse(rows.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exports.export_filename(scored.assessment, "csv")
    )
    return response
