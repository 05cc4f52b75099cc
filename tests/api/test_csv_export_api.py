"""GET /api/v1/key-results and /api/v1/objectives with format=csv: the same filters and
visibility as the JSON lists, every matching row, a header row of field names, formulas
defused, and the parameter documented in the OpenAPI spec."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions
from tests.api import call


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content
    assert not body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_key_results_csv_has_the_json_fields_flattened(as_owner, org):
    rows = rows_of(call(as_owner, "get", "/key-results", format="csv"))
    by_id = {int(r["id"]): r for r in rows}
    row = by_id[org.product_kr.pk]
    assert row["title"] == "Weekly users"
    assert row["current_value"] == "20.0" and row["progress"] == "0.2"
    assert row["confidence"] == "4" and row["stale"] == "false"
    assert "forecast_projected_progress" in row and "milestones" not in row
    # The same rows as the JSON list.
    listed = call(as_owner, "get", "/key-results").json()
    assert sorted(by_id) == sorted(item["id"] for item in listed["items"])


def test_key_results_csv_keeps_the_filters(as_owner, org, product):
    rows = rows_of(call(as_owner, "get", "/key-results", format="csv", team=product.pk))
    assert {r["title"] for r in rows} == {"Weekly users", "Term sheets"}
    rows = rows_of(call(as_owner, "get", "/key-results", format="csv", status="done"))
    assert rows == []


def test_an_empty_csv_still_has_its_header(as_owner, org):
    response = call(as_owner, "get", "/key-results", format="csv", status="done")
    header = response.content.decode().splitlines()[0]
    assert header.startswith("id,objective_id,title,")


def test_objectives_csv_leaves_out_what_the_reader_may_not_see(api_client, seller, org):
    rows = rows_of(call(api_client(seller), "get", "/objectives", format="csv"))
    titles = {r["title"] for r in rows}
    assert "Secret acquisition" not in titles
    assert {"Win the market", "Ship the app", "Sell more"} <= titles
    # A visible objective under a private parent does not name it.
    assert all(r["parent_id"] != str(org.private_obj.pk) for r in rows)


def test_objectives_csv_keeps_the_filters(as_owner, org, product):
    rows = rows_of(call(as_owner, "get", "/objectives", format="csv", team=product.pk))
    assert {r["title"] for r in rows} == {"Ship the app", "Secret acquisition"}
    assert 0 <= float(rows[0]["progress"]) <= 1  # a ratio, unlocalised


def test_csv_defuses_formulas(as_owner, org, actor_of, owner):
    actions.create_key_result(
        actor_of(owner), org.product_obj, title="=1+2", start_value=0, target_value=5
    )
    rows = rows_of(call(as_owner, "get", "/key-results", format="csv"))
    assert "'=1+2" in {r["title"] for r in rows}


def test_json_stays_the_default_and_an_unknown_format_is_refused(as_owner, org):
    assert call(as_owner, "get", "/key-results", format="json").json()["count"] >= 1
    response = call(as_owner, "get", "/key-results", format="xlsx")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "format"


def test_csv_needs_authentication(client, org):
    assert call(client, "get", "/key-results", format="csv").status_code == 401


def test_csv_query_count_does_not_grow_with_rows(as_owner, org, actor_of, owner):
    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            assert call(as_owner, "get", path, format="csv").status_code == 200
        return len(ctx.captured_queries)

    count("/key-results")  # the token's first use is recorded once
    small = count("/key-results"), count("/objectives")
    for i in range(5):
        actions.create_key_result(
            actor_of(owner), org.product_obj, title=f"KR {i}", start_value=0, target_value=5
        )
        actions.create_objective(
            actor_of(owner), title=f"Objective {i}", cycle_id=org.product_obj.cycle_id
        )
    assert (count("/key-results"), count("/objectives")) == small


def test_the_spec_documents_the_format_parameter_and_the_csv_answer(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/key-results", "/api/v1/objectives"):
        op = spec["paths"][path]["get"]
        (param,) = [p for p in op["parameters"] if p["name"] == "format"]
        assert param["in"] == "query" and "csv" in str(param["schema"])
        assert "text/csv" in op["responses"]["200"]["content"]
