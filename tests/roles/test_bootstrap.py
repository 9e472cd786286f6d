"""`manage.py bootstrap`, run by `make run`: shipped ladders and a one-time admin."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from roles.models import MatrixVersion, Track

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
