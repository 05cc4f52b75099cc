"""Creating and editing objectives and key results through the pages (issue 3)."""

from html.parser import HTMLParser

import pytest

from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn, KeyResult, Objective
from tests.okrs.helpers import key_result, objective


def _objective_post(cycle, **extra):
    data = {
        "title": "Delight our customers",
        "description": "",
        "cycle_id": str(cycle.pk),
        "team_id": "",
        "owner_id": "",
        "parent_id": "",
        "kind": "committed",
        "visibility": "workspace",
        "rollup_children": "on",
        "weight": "1",
        "kr_count": "1",
    }
    data.update(extra)
    return data


def _kr_post(prefix="", **fields):
    p = f"{prefix}-" if prefix else ""
    data = {
        "title": "Raise NPS",
        "kind": "number",
        "direction": "increase",
        "start_value": "20",
        "target_value": "50",
        "unit": "",
        "currency": "",
        "weight": "1",
        "due_date": "",
        "owner_id": "",
        "description": "",
    }
    data.update(fields)
    return {f"{p}{k}": v for k, v in data.items()}


def test_new_objective_with_two_key_results_is_saved_aligned(
    client, actor_of, admin, owner, cycle, company, product
):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    client.force_login(owner)
    page = client.get(f"/objectives/new/?cycle={cycle.pk}&team={product.pk}&parent={top.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{top.pk}" selected>Win the SME market</option>' in html
    data = _objective_post(cycle, team_id=str(product.pk), parent_id=str(top.pk), kr_count="2")
    data |= _kr_post("kr-0", title="Activation from 20% to 50%", kind="percentage")
    data |= _kr_post("kr-1", title="Churn from 4% to 3%", kind="percentage", direction="decrease")
    data["kr-1-start_value"], data["kr-1-target_value"] = "4", "3"
    response = client.post("/objectives/new/", data)
    assert response.status_code == 302
    obj = Objective.objects.get(title="Delight our customers")
    assert response["Location"] == f"/objectives/{obj.pk}/"
    assert obj.parent_id == top.pk and obj.team_id == product.pk and obj.owner_id == owner.pk
    krs = list(obj.key_results.order_by("id"))
    assert [(k.title, k.kind, k.direction, k.start_value, k.target_value) for k in krs] == [
        ("Activation from 20% to 50%", "percentage", "increase", 20.0, 50.0),
        ("Churn from 4% to 3%", "percentage", "decrease", 4.0, 3.0),
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"kind": "number", "direction": "increase", "unit": "users"},
            {"kind": "number", "direction": "increase", "unit": "users", "target_value": 50.0},
        ),
        (
            {"kind": "number", "direction": "decrease", "start_value": "50", "target_value": "20"},
            {"direction": "decrease", "start_value": 50.0, "target_value": 20.0},
        ),
        (
            {
                "kind": "percentage",
                "direction": "stay_at_or_above",
                "start_value": "99.9",
                "target_value": "99.9",
            },
            {"kind": "percentage", "direction": "stay_at_or_above", "target_value": 99.9},
        ),
        (
            {
                "kind": "number",
                "direction": "stay_at_or_below",
                "start_value": "4",
                "target_value": "4",
                "unit": "h",
            },
            {"direction": "stay_at_or_below", "unit": "h"},
        ),
        (
            {
                "kind": "currency",
                "currency": "idr",
                "start_value": "450000000",
                "target_value": "650000000",
            },
            {"kind": "currency", "currency": "IDR", "target_value": 650000000.0},
        ),
        (
            {"kind": "boolean", "start_value": "", "target_value": ""},
            {"kind": "boolean", "start_value": 0.0, "target_value": 1.0, "direction": "increase"},
        ),
        ({"kind": "tasks"}, {"kind": "tasks", "target_value": 1.0}),
    ],
    ids=["number", "decrease", "stay-above", "stay-below", "currency", "boolean", "tasks"],
)
def test_each_kind_and_direction_through_the_form(
    client, actor_of, owner, cycle, product, fields, expected
):
    obj = objective(actor_of(owner), cycle, product)
    client.force_login(owner)
    response = client.post(f"/objectives/{obj.pk}/key-results/new/", _kr_post(**fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    kr = obj.key_results.get()
    for name, value in expected.items():
        assert getattr(kr, name) == value, name


def test_milestones_with_weights_added_and_removed(client, actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product)
    client.force_login(owner)
    data = _kr_post(title="Launch", kind="milestones", start_value="", target_value="")
    data["ms_title"] = ["Beta", "", "GA"]
    data["ms_weight"] = ["1", "1", "3"]
    assert client.post(f"/objectives/{obj.pk}/key-results/new/", data).status_code == 302
    kr = obj.key_results.get()
    assert [(m.title, m.weight) for m in kr.milestones.all()] == [("Beta", 1.0), ("GA", 3.0)]
    page = client.get(f"/key-results/{kr.pk}/edit/").content.decode()
    assert 'value="GA"' in page and 'value="3"' in page
    data["ms_title"], data["ms_weight"] = ["GA", "Docs"], ["3", "0,5"]
    assert client.post(f"/key-results/{kr.pk}/edit/", data).status_code == 302
    assert [(m.title, m.weight) for m in kr.milestones.all()] == [("GA", 3.0), ("Docs", 0.5)]


class _FormFields(HTMLParser):
    """What a browser would post from the page's forms: every input, checked box, selected
    option and textarea, in page order."""

    def __init__(self):
        super().__init__()
        self.inside, self.select, self.textarea = False, None, None
        self.data: dict[str, list[str]] = {}

    def _add(self, name, value):
        if name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a.get("name"), a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self._add(self.select, a.get("value", ""))
        elif tag == "textarea":
            self.textarea = a.get("name")
            self._add(self.textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data


def _posted_as_shown(html: str, **changes) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    data = {k: v for k, v in parser.data.items() if k != "csrfmiddlewaretoken"}
    data.update({k: [v] for k, v in changes.items()})
    return data


def test_editing_a_milestones_key_result_keeps_its_checklist_and_progress(
    client, actor_of, owner, cycle, product
):
    """Defect 1: the form sent no milestone ids, so saving replaced the checklist with new,
    undone milestones (progress fell from 0.5 to 0; old check-ins named deleted rows)."""
    obj = objective(actor_of(owner), cycle, product)
    kr = actions.create_key_result(
        actor_of(owner),
        obj,
        title="Launch",
        kind="milestones",
        milestones=[{"title": "Beta", "weight": 1}, {"title": "GA", "weight": 1}],
    )
    beta, ga = kr.milestones.all()
    actions.create_checkin(actor_of(owner), kr.pk, milestones_done=[beta.pk], confidence=4)
    kr.refresh_from_db()
    assert kr.progress == 0.5
    client.force_login(owner)
    page = client.get(f"/key-results/{kr.pk}/edit/").content.decode()
    data = _posted_as_shown(page, title="Launch the app")
    assert data["ms_id"] == [str(beta.pk), str(ga.pk), ""]
    assert client.post(f"/key-results/{kr.pk}/edit/", data).status_code == 302
    kr.refresh_from_db()
    assert kr.title == "Launch the app"
    assert kr.progress == 0.5
    assert list(kr.milestones.values_list("id", "title", "done")) == [
        (beta.pk, "Beta", True),
        (ga.pk, "GA", False),
    ]
    assert CheckIn.objects.get(key_result=kr).milestones_done == [beta.pk]


def test_milestones_renamed_reordered_and_dropped_on_the_page_keep_their_ids(
    client, actor_of, owner, cycle, product
):
    obj = objective(actor_of(owner), cycle, product)
    kr = actions.create_key_result(
        actor_of(owner),
        obj,
        title="Launch",
        kind="milestones",
        milestones=[{"title": t, "weight": 1} for t in ("Beta", "GA", "Docs")],
    )
    beta, ga, docs = kr.milestones.all()
    client.force_login(owner)
    data = _kr_post(title="Launch", kind="milestones", start_value="", target_value="")
    # GA first and renamed, Beta with weight 2, Docs dropped (empty title), one new row.
    data["ms_id"] = [str(ga.pk), str(beta.pk), str(docs.pk), ""]
    data["ms_title"] = ["General availability", "Beta", "", "Press"]
    data["ms_weight"] = ["1", "2", "1", "1"]
    assert client.post(f"/key-results/{kr.pk}/edit/", data).status_code == 302
    rows = list(kr.milestones.values_list("id", "title", "weight"))
    assert rows[:2] == [(ga.pk, "General availability", 1.0), (beta.pk, "Beta", 2.0)]
    assert rows[2][1:] == ("Press", 1.0) and rows[2][0] not in (beta.pk, ga.pk, docs.pk)


def test_a_milestone_id_of_another_key_result_is_refused_on_the_page(
    client, actor_of, owner, cycle, product
):
    obj = objective(actor_of(owner), cycle, product)
    mine, other = (
        actions.create_key_result(
            actor_of(owner), obj, title=t, kind="milestones", milestones=[{"title": t}]
        )
        for t in ("Mine", "Other")
    )
    client.force_login(owner)
    data = _kr_post(title="Mine", kind="milestones", start_value="", target_value="")
    data["ms_id"], data["ms_title"], data["ms_weight"] = (
        [str(other.milestones.get().pk)],
        ["Taken"],
        ["1"],
    )
    response = client.post(f"/key-results/{mine.pk}/edit/", data)
    assert response.status_code == 422
    assert "does not belong to this key result" in response.content.decode()
    assert other.milestones.get().title == "Other"


def test_edit_key_result_changes_kind_and_values(client, actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product)
    kr = key_result(actor_of(owner), obj)
    client.force_login(owner)
    page = client.get(f"/key-results/{kr.pk}/edit/")
    assert page.status_code == 200 and b'value="Raise NPS from 20 to 50"' in page.content
    data = _kr_post(
        title="MRR", kind="currency", currency="USD", start_value="100", target_value="200"
    )
    assert client.post(f"/key-results/{kr.pk}/edit/", data).status_code == 302
    kr.refresh_from_db()
    assert (kr.title, kr.kind, kr.currency, kr.target_value) == ("MRR", "currency", "USD", 200.0)


def test_wrong_direction_is_refused_next_to_the_target_and_keeps_input(
    client, actor_of, owner, cycle, product
):
    obj = objective(actor_of(owner), cycle, product)
    client.force_login(owner)
    data = _kr_post(
        title="Cut churn typed by me", direction="increase", start_value="5", target_value="3"
    )
    response = client.post(f"/objectives/{obj.pk}/key-results/new/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Cut churn typed by me"' in html
    # The message sits in the target field's block, referenced by aria-describedby.
    target_block = html[html.index('id="id_target_value"') :]
    target_block = target_block[: target_block.index("</div>")]
    assert "needs a target above its start value" in target_block
    assert 'aria-describedby="id_target_value-error"' in html
    assert not KeyResult.objects.exists()


def test_inline_error_on_new_objective_keeps_everything_typed(
    client, actor_of, owner, cycle, product
):
    client.force_login(owner)
    data = _objective_post(cycle, title="   ", team_id=str(product.pk))
    data |= _kr_post("kr-0", title="Keep me", target_value="77")
    response = client.post("/objectives/new/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_title-error"' in html
    assert 'value="Keep me"' in html and 'value="77"' in html
    assert not Objective.objects.exists()


def test_bad_key_result_rolls_the_objective_back(client, owner, cycle, product):
    client.force_login(owner)
    data = _objective_post(cycle, team_id=str(product.pk))
    data |= _kr_post("kr-0", kind="currency", currency="dollars")
    response = client.post("/objectives/new/", data)
    assert response.status_code == 422
    assert 'id="id_kr-0-currency-error"' in response.content.decode()
    assert not Objective.objects.exists()


def test_alignment_picker_lists_only_visible_objectives_of_the_cycle(
    client, actor_of, admin, owner, seller, cycle, company, product, sales, workspace
):
    from sasaran.okrs import actions

    objective(actor_of(admin), cycle, company, title="Company bet")
    objective(actor_of(owner), cycle, product, title="Secret product plan", visibility="private")
    other = actions.create_cycle(
        actor_of(admin), name="Later", start_date=cycle.end_date, end_date=cycle.end_date
    )
    objective(actor_of(admin), other, company, title="Next quarter bet")
    client.force_login(seller)
    html = client.get(f"/objectives/new/?cycle={cycle.pk}").content.decode()
    picker = html[
        html.index('name="parent_id"') : html.index("</select>", html.index('name="parent_id"'))
    ]
    assert "Company bet" in picker
    assert '<optgroup label="Company">' in picker
    assert "Secret product plan" not in picker
    assert "Next quarter bet" not in picker
    # htmx swaps the options when another cycle is chosen.
    options = client.get(f"/objectives/parent-options/?cycle_id={other.pk}").content.decode()
    assert "Next quarter bet" in options and "Company bet" not in options


def test_viewer_sees_no_form_and_posting_anyway_is_forbidden(
    client, actor_of, owner, viewer, cycle, product
):
    obj = objective(actor_of(owner), cycle, product)
    kr = key_result(actor_of(owner), obj)
    client.force_login(viewer)
    assert client.get("/objectives/new/").status_code == 403
    assert client.get(f"/objectives/{obj.pk}/edit/").status_code == 403
    data = _objective_post(cycle, team_id=str(product.pk))
    assert client.post("/objectives/new/", data).status_code == 403
    assert client.post(f"/objectives/{obj.pk}/edit/", data).status_code == 403
    assert client.post(f"/objectives/{obj.pk}/key-results/new/", _kr_post()).status_code == 403
    assert client.post(f"/key-results/{kr.pk}/edit/", _kr_post()).status_code == 403
    assert client.post(f"/key-results/{kr.pk}/delete/").status_code == 403
    assert client.post(f"/objectives/{obj.pk}/delete/").status_code == 403
    assert Objective.objects.count() == 1 and KeyResult.objects.count() == 1


def test_member_cannot_create_for_another_team(client, seller, cycle, product):
    client.force_login(seller)
    html = client.get("/objectives/new/").content.decode()
    team_select = html[
        html.index('name="team_id"') : html.index("</select>", html.index('name="team_id"'))
    ]
    assert "Product" not in team_select and "Sales" in team_select
    data = _objective_post(cycle, team_id=str(product.pk))
    assert client.post("/objectives/new/", data).status_code == 422  # not a choice offered
    assert not Objective.objects.exists()


def test_edit_and_delete_objective(client, actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product)
    key_result(actor_of(owner), obj)
    client.force_login(owner)
    page = client.get(f"/objectives/{obj.pk}/edit/")
    assert page.status_code == 200 and b"Raise NPS from 20 to 50" in page.content
    data = _objective_post(
        cycle,
        title="Delight every customer",
        team_id=str(product.pk),
        owner_id=str(owner.pk),
        kind="aspirational",
    )
    assert client.post(f"/objectives/{obj.pk}/edit/", data).status_code == 302
    obj.refresh_from_db()
    assert (obj.title, obj.kind) == ("Delight every customer", "aspirational")
    confirm = client.get(f"/objectives/{obj.pk}/delete/")
    assert confirm.status_code == 200 and b"Delight every customer" in confirm.content
    assert client.post(f"/objectives/{obj.pk}/delete/").status_code == 302
    assert not Objective.objects.exists()


def test_template_picker_and_prefill(client, owner, cycle, product, settings):
    client.force_login(owner)
    picker = client.get("/objectives/templates/").content.decode()
    for department in ("Product", "Engineering", "Marketing", "Sales", "Customer Success"):
        assert f">{department}</h2>" in picker
    assert 'name="t" value="engineering-quality"' in picker
    page = client.get(f"/objectives/new/?template=engineering-quality&cycle={cycle.pk}")
    html = page.content.decode()
    assert 'value="Improve the quality of product releases"' in html
    assert 'value="Reduce the average number of new bug reports from 72 to 60 a month"' in html
    assert 'name="kr_count" value="3"' in html
    assert 'name="kr-0-start_value" value="72"' in html
    # Indonesian when the active language is id.
    page = client.get("/objectives/new/?template=engineering-quality", HTTP_ACCEPT_LANGUAGE="id")
    assert 'value="Meningkatkan kualitas rilis produk"' in page.content.decode()


def test_template_with_milestones_saves_objective_and_krs(client, owner, cycle, product):
    client.force_login(owner)
    html = client.get("/objectives/new/?template=product-launch").content.decode()
    assert 'name="kr-1-ms_title" value="Run two training sessions for Marketing and Sales"' in html
    data = _objective_post(cycle, title="Launch Q3", team_id=str(product.pk), kr_count="2")
    data |= _kr_post("kr-0", title="Talk to 30 customers", start_value="0", target_value="30")
    data |= _kr_post("kr-1", title="Launch ready", kind="milestones")
    data["kr-1-ms_title"] = ["Videos", "Training", ""]
    data["kr-1-ms_weight"] = ["1", "2", "1"]
    assert client.post("/objectives/new/", data).status_code == 302
    kr = KeyResult.objects.get(title="Launch ready")
    assert [m.weight for m in kr.milestones.all()] == [1.0, 2.0]


def test_owner_choices_leave_out_viewers_but_keep_the_current_owner(
    client, actor_of, admin, owner, viewer, cycle, product
):
    client.force_login(owner)
    new = client.get(f"/objectives/new/?cycle={cycle.pk}").content.decode()
    assert f'<option value="{owner.pk}"' in new and f'<option value="{admin.pk}"' in new
    assert f'<option value="{viewer.pk}"' not in new  # a viewer cannot check in
    # An objective a viewer already owns keeps its owner in the edit form.
    obj = objective(actor_of(admin), cycle, product, title="Owned by a viewer", owner_id=viewer.pk)
    edit = client.get(f"/objectives/{obj.pk}/edit/").content.decode()
    assert f'<option value="{viewer.pk}" selected' in edit


def test_deleting_a_key_result_with_check_ins_is_refused_on_the_page(
    client, actor_of, owner, cycle, product
):
    obj = objective(actor_of(owner), cycle, product)
    kr = key_result(actor_of(owner), obj)
    actions.create_checkin(actor_of(owner), kr.pk, value=30.0, confidence=3)
    client.force_login(owner)
    asked = client.get(f"/key-results/{kr.pk}/delete/").content.decode()
    assert "set its weight to 0" in asked and "danger-button" not in asked  # said up front
    refused = client.post(f"/key-results/{kr.pk}/delete/")
    assert refused.status_code == 409
    assert "set its weight to 0" in refused.content.decode()
    assert KeyResult.objects.filter(pk=kr.pk).exists()


def test_a_checklist_turned_into_a_number_loses_its_milestones(actor_of, owner, cycle, product):
    """Milestones of a KR that is no longer a checklist would count for nothing; the API lists
    milestones of checklists only, so they must not linger either."""
    me = actor_of(owner)
    kr = key_result(
        me, objective(me, cycle, product), kind="milestones", milestones=[{"title": "Beta"}]
    )
    actions.update_key_result(
        me, KeyResult.objects.get(pk=kr.pk), kind="number", start_value=0, target_value=10
    )
    kr = KeyResult.objects.get(pk=kr.pk)
    assert kr.kind == "number" and not kr.milestones.exists()
