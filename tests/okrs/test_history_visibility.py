"""History (the audit log, in the API and on the objective page) shows a reader only what they
may see: a hidden objective is not even named by its id."""

from sasaran.okrs import actions
from sasaran.okrs.models import Visibility
from tests.okrs.helpers import objective


def test_the_audit_log_does_not_name_a_private_parent(
    api_client, client, actor_of, admin, owner, seller, cycle, company, product
):
    secret = objective(
        actor_of(admin), cycle, company, title="Acquire Globex", visibility=Visibility.PRIVATE
    )
    child = objective(actor_of(admin), cycle, product, parent_id=secret.pk)
    actions.update_objective(actor_of(owner), child, title="Delight every customer")
    # The seller (Sales) sees the child, not its private parent.
    entries = api_client(seller).get(f"/api/v1/audit?objective={child.pk}").json()["items"]
    assert len(entries) == 2
    for entry in entries:
        for side in (entry["before"] or {}, entry["after"] or {}):
            assert "parent_id" not in side
    # An admin reads the same entries whole.
    whole = api_client(admin).get(f"/api/v1/audit?objective={child.pk}").json()["items"]
    assert any((e["after"] or {}).get("parent_id") == secret.pk for e in whole)
    client.force_login(seller)
    html = client.get(f"/objectives/{child.pk}/").content.decode()
    assert "not visible to you" not in html
    assert secret.title not in html


def test_a_page_of_audit_entries_costs_the_same_queries_however_long(
    api_client,
    actor_of,
    admin,
    owner,
    seller,
    cycle,
    company,
    product,
    django_assert_max_num_queries,
):
    secret = objective(
        actor_of(admin), cycle, company, title="Acquire Globex", visibility=Visibility.PRIVATE
    )
    for i in range(12):
        objective(actor_of(admin), cycle, product, title=f"Child {i}", parent_id=secret.pk)
    reader = api_client(seller)
    reader.get("/api/v1/me")  # the process now keeps this reader's actor
    with django_assert_max_num_queries(9):
        assert len(reader.get("/api/v1/audit?limit=50").json()["items"]) >= 12


def test_derived_ratios_in_the_audit_api_are_rounded(api_client, admin, workspace):
    from sasaran.audit.models import AuditEntry as Entry

    Entry.objects.create(
        workspace=workspace,
        action="check-in",
        object_type="keyresult",
        object_id=1,
        before={"progress": 0.2800000000000001, "current_value": 0.1 + 0.2},
        after={"progress": 0.26799999999999996},
    )
    (entry,) = api_client(admin).get("/api/v1/audit?object_type=keyresult").json()["items"]
    assert entry["before"]["progress"] == 0.28 and entry["after"]["progress"] == 0.268
    assert entry["before"]["current_value"] == 0.1 + 0.2  # a value entered is shown as entered
