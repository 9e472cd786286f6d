"""Self-assessment questionnaire and reports."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments.models import Assessment


@require_GET
@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    assessments = Assessment.objects.owned_by(request.user).select_related("track", "target_role")
    return render(request, "assessments/assessment_list.html", {"assessments": assessments})
