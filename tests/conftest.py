"""Personas and shared fixtures."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, AssessmentFactory, UserFactory, make_ladder


@pytest.fixture
def ladder(db):
    return make_ladder()


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def stranger_client(stranger) -> Client:
    client = Client()
    client.force_login(stranger)
    return client


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def assessment(owner, ladder):
    return AssessmentFactory(user=owner, version=ladder)


__all__ = ["PASSWORD"]
