"""Fixtures shared by the API tests: the small organisation of tests/api/__init__.build_org
(company -> product -> private objective, plus sales), and bearer-token clients."""

import pytest

from tests.api import build_org


@pytest.fixture
def org(actor_of, admin, owner, teammate, seller, viewer, company, product, growth, sales, cycle):
    # teammate, viewer and growth are requested so every test sees the same people and teams.
    return build_org(
        actor_of,
        admin=admin,
        owner=owner,
        seller=seller,
        company=company,
        product=product,
        sales=sales,
        cycle=cycle,
    )


@pytest.fixture
def as_owner(api_client, owner):
    return api_client(owner)


@pytest.fixture
def as_admin(api_client, admin):
    return api_client(admin)
