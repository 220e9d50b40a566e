import pytest

from tests.factories import PASSWORD, make_director, make_staff, sign_in


@pytest.fixture
def director(db):
    return make_director()


@pytest.fixture
def director_client(client, director):
    sign_in(client, director.user)
    return client


@pytest.fixture
def coordinator(db):
    return make_staff("care_coordinator")


@pytest.fixture
def password():
    return PASSWORD
