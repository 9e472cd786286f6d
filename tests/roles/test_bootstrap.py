"""`manage.py bootstrap`, run by `make run`: shipped ladders and a one-time admin."""

import re
from io import StringIO

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from roles.management.commands.bootstrap import LADDERS_DIR as LADDERS
from roles.models import MatrixVersion, Track
from tests.assessments.conftest import answer_all
from tests.assessments.worked_example import text_of
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def bootstrap() -> str:
    out = StringIO()
    call_command("bootstrap", stdout=out)
    return out.getvalue()


def test_it_loads_every_shipped_ladder_once_and_prints_a_working_admin_password():
    first = bootstrap()

    assert set(Track.objects.values_list("slug", flat=True)) == {"mlops", "mlops-management"}
    assert MatrixVersion.objects.published().count() == 2
    mlops = Track.objects.get(slug="mlops").current_version()
    assert list(mlops.roles.order_by("rank").values_list("title", flat=True)) == [
        "Junior MLOps Engineer",
        "MLOps Engineer",
        "Senior MLOps Engineer",
        "MLOps Team Lead",
        "Director of MLOps",
    ]
    password = re.search(r"password: (\S+)", first).group(1)
    client = Client()
    response = client.post("/admin/login/", {"username": "admin", "password": password})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200

    second = bootstrap()

    assert MatrixVersion.objects.count() == 2
    assert "password:" not in second
    assert User.objects.filter(is_superuser=True).count() == 1


def test_each_installation_gets_its_own_admin_password():
    first = re.search(r"password: (\S+)", bootstrap()).group(1)
    User.objects.all().delete()
    second = re.search(r"password: (\S+)", bootstrap()).group(1)
    assert first != second
    assert len(first) >= 16


def test_a_changed_shipped_ladder_becomes_a_new_version_and_assessments_stay_on_theirs(
    tmp_path, owner, owner_client
):
    # A database loaded with an earlier release of the MLOps ladder, in which the Director
    # required no Python, and an assessment submitted on it.
    earlier = yaml.safe_load((LADDERS / "mlops.yaml").read_text(encoding="utf-8"))
    director = next(role for role in earlier["roles"] if role["slug"] == "director-of-mlops")
    del director["requires"]["python"]
    path = tmp_path / "mlops-earlier.yaml"
    path.write_text(yaml.safe_dump(earlier, sort_keys=False), encoding="utf-8")
    call_command("import_matrix", str(path), publish=True, stdout=StringIO())
    first = Track.objects.get(slug="mlops").current_version()
    assessment = AssessmentFactory(
        user=owner, version=first, target_role=first.roles.get(slug="director-of-mlops")
    )
    answer_all(assessment, level=3)
    assessment.submit()

    output = bootstrap()

    assert "Created and published mlops v2." in output
    assert "+ requirement director-of-mlops/python: [4, 1]" in output
    second = Track.objects.get(slug="mlops").current_version()
    assert second.number == 2
    assessment.refresh_from_db()
    assert assessment.version == first
    body = text_of(
        owner_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    )
    assert "Version 2 of this ladder has been published since you started." in body
    assert "Your answers on version 2" in body
    assert "Start a new assessment on version 2" in body
    # Running it again changes nothing.
    assert "No changes: mlops v2 already has this content." in bootstrap()
    assert Track.objects.get(slug="mlops").versions.count() == 2
