"""A row fetched by its key belongs to the tenant asking, or is not found at all."""

from app.core.scoped import get_owned
from app.core.subscribers import Account, Subscriber


def test_another_tenants_row_is_not_found_by_its_id(app, make_subscriber):
    mine = make_subscriber(tenant="athome")
    with app.app_context():
        tenants = app.extensions["tenancy"].tenants
        assert get_owned(Subscriber, tenants["athome"], mine["id"]) is not None
        assert get_owned(Subscriber, tenants["tomtel"], mine["id"]) is None
        assert get_owned(Account, "tomtel", mine["account_id"]) is None
        assert get_owned(Account, "athome", None) is None
