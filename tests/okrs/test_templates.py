"""Templates that build a team's set: the picker keeps the team and cycle the reader came from,
takes several templates at once, asks today's value of each key result and creates everything
in one transaction (or nothing); admins keep objectives as workspace templates; built-in
template texts follow the language."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import override

from sasaran.audit.models import AuditEntry
from sasaran.okrs import actions, templates_data
from sasaran.okrs.models import Cycle, CycleState, KeyResult, Objective, ObjectiveTemplate
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def planning(workspace):
    """Next quarter, still in planning: where a team builds its set."""
    today = timezone.now().date()
    return Cycle.objects.create(
        workspace=workspace,
        name="Next quarter",
        start_date=today + dt.timedelta(days=61),
        end_date=today + dt.timedelta(days=150),
        state=CycleState.PLANNING,
    )


def _review_post(cycle, team, keys, **values):
    """The review form as the page sends it, every key result kept, owner as given."""
    data = {"cycle_id": str(cycle.pk), "team_id": str(team.pk) if team else "", "t": keys}
    for i, key in enumerate(keys):
        template = templates_data.get(key)
        data[f"o{i}-title"] = template["title"]
        for j, kr in enumerate(template["key_results"]):
            data[f"o{i}-k{j}-use"] = "on"
            data[f"o{i}-k{j}-target_value"] = str(kr["target_value"])
    data.update(values)
    return data


def test_picker_keeps_the_team_and_cycle_it_was_opened_with(client, owner, planning, product):
    client.force_login(owner)
    html = client.get(f"/objectives/templates/?cycle={planning.pk}&team={product.pk}").content
    html = html.decode()
    assert f'<option value="{planning.pk}" selected>' in html
    assert f'<option value="{product.pk}" selected>' in html
    review = client.get(
        f"/objectives/templates/review/?cycle={planning.pk}&team={product.pk}"
        "&t=engineering-quality&t=product-launch"
    ).content.decode()
    assert f'<option value="{planning.pk}" selected>' in review
    assert f'<option value="{product.pk}" selected>' in review
    # The way back keeps the team, the cycle and what was picked.
    assert (
        f"/objectives/templates/?cycle={planning.pk}&amp;team={product.pk}"
        "&amp;t=engineering-quality&amp;t=product-launch"
    ) in review


def test_picker_defaults_to_the_readers_team_and_the_active_cycle(
    client, owner, cycle, planning, product
):
    client.force_login(owner)
    html = client.get("/objectives/templates/").content.decode()
    assert f'<option value="{cycle.pk}" selected>' in html
    assert f'<option value="{product.pk}" selected>' in html


def test_links_to_the_templates_carry_the_cycle_and_team(client, owner, planning, product):
    client.force_login(owner)
    explorer = client.get(f"/okrs/?cycle={planning.pk}&team={product.pk}").content.decode()
    assert f"/objectives/templates/?cycle={planning.pk}&amp;team={product.pk}" in explorer
    cycles = client.get("/cycles/").content.decode()
    assert f"/objectives/templates/?cycle={planning.pk}" in cycles
    new = client.get(f"/objectives/new/?cycle={planning.pk}&team={product.pk}").content.decode()
    assert f"/objectives/templates/?cycle={planning.pk}&amp;team={product.pk}" in new


def test_review_asks_todays_value_and_shows_the_sample_only_as_a_hint(
    client, owner, planning, product
):
    client.force_login(owner)
    html = client.get(
        f"/objectives/templates/review/?cycle={planning.pk}&t=engineering-quality"
    ).content.decode()
    assert 'name="o0-k0-start_value" inputmode="decimal" placeholder="e.g. 72"' in html
    assert 'name="o0-k0-start_value" value=' not in html  # never prefilled
    assert 'name="o0-k0-target_value" value="60"' in html
    assert f'<option value="{owner.pk}" selected>' in html  # owner: the reader


def test_several_templates_create_objectives_with_the_typed_baselines(
    client, owner, teammate, planning, product
):
    client.force_login(owner)
    keys = ["engineering-quality", "product-launch"]
    data = _review_post(
        planning,
        product,
        keys,
        **{
            "o0-k0-start_value": "80",
            "o0-k0-target_value": "55",
            "o0-k1-start_value": "97,5",
            "o0-k2-start_value": "31",
            "o0-k2-owner_id": str(teammate.pk),
            "o1-title": "Launch the mobile app",
            "o1-k0-start_value": "4",
        },
    )
    data["o0-k1-owner_id"] = str(owner.pk)
    data["o1-k1-use"] = ""  # the milestones KR is not wanted
    for i, key in enumerate(keys):
        for j in range(len(templates_data.get(key)["key_results"])):
            data.setdefault(f"o{i}-k{j}-owner_id", str(owner.pk))
    response = client.post("/objectives/templates/review/", data, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 302
    assert response["Location"] == f"/okrs/?cycle={planning.pk}&team={product.pk}"
    quality, launch = Objective.objects.order_by("id")
    assert (quality.title, quality.cycle, quality.team) == (
        "Improve the quality of product releases",
        planning,
        product,
    )
    assert (launch.title, launch.cycle, launch.team) == ("Launch the mobile app", planning, product)
    krs = list(quality.key_results.order_by("id"))
    assert [(k.start_value, k.target_value, k.current_value) for k in krs] == [
        (80.0, 55.0, 80.0),
        (97.5, 99.0, 97.5),
        (31.0, 50.0, 31.0),
    ]
    assert [k.direction for k in krs] == ["decrease", "increase", "increase"]
    assert krs[2].owner == teammate and krs[0].owner == owner
    # The key results' texts are the template's in the reader's language (Indonesian here).
    assert [(k.title, k.start_value, k.target_value) for k in launch.key_results.all()] == [
        ("Bicaralah dengan 30 pelanggan untuk memahami kebutuhan dan umpan balik mereka", 4.0, 30.0)
    ]
    # Through the actions: audited (two objectives, four key results).
    assert AuditEntry.objects.filter(action="create", object_type="objective").count() == 2
    assert AuditEntry.objects.filter(action="create", object_type="keyresult").count() == 4


def test_a_missing_baseline_is_shown_by_its_field_and_creates_nothing(
    client, owner, planning, product
):
    client.force_login(owner)
    keys = ["engineering-quality", "sales-efficiency"]
    data = _review_post(planning, product, keys, **{"o0-k0-start_value": "70"})
    for i, key in enumerate(keys):
        for j in range(len(templates_data.get(key)["key_results"])):
            data[f"o{i}-k{j}-owner_id"] = str(owner.pk)
            data.setdefault(f"o{i}-k{j}-start_value", "10")
    data["o0-k1-start_value"] = ""
    data["o1-k2-target_value"] = "lots"
    response = client.post("/objectives/templates/review/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was created yet" in html
    assert 'id="id_o0-k1-start_value-error"' in html or "id_o0-k1-start_value-error" in html
    assert "Enter today’s value" in html or "Enter today&#x27;s value" in html
    assert "id_o1-k2-target_value-error" in html
    assert 'name="o0-k0-start_value" value="70"' in html  # what was typed is kept
    assert not Objective.objects.exists()


def test_an_action_refusal_on_the_second_objective_undoes_the_first(
    client, owner, planning, product
):
    """The form parses; the action refuses an increasing KR whose target is below today's
    value. The first objective was already written in the transaction: it is gone too."""
    client.force_login(owner)
    keys = ["product-launch", "engineering-quality"]
    data = _review_post(planning, product, keys)
    for i, key in enumerate(keys):
        for j in range(len(templates_data.get(key)["key_results"])):
            data[f"o{i}-k{j}-owner_id"] = str(owner.pk)
            data[f"o{i}-k{j}-start_value"] = "1"
    data["o1-k0-start_value"] = "72"  # decrease to 60: fine
    data["o1-k2-start_value"] = "80"  # increase to 50: refused by the action
    response = client.post("/objectives/templates/review/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "id_o1-k2-target_value-error" in html
    assert "An increasing key result needs a target above its start value" in html
    assert not Objective.objects.exists() and not KeyResult.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_member_may_not_create_in_a_team_they_cannot_edit(
    client, owner, planning, product, sales
):
    client.force_login(owner)  # a member of Product, not of Sales
    data = _review_post(planning, sales, ["sales-efficiency"])
    for j in range(3):
        data[f"o0-k{j}-owner_id"] = str(owner.pk)
        data[f"o0-k{j}-start_value"] = "5"
    response = client.post("/objectives/templates/review/", data)
    assert response.status_code == 422
    assert "You may only create objectives for your own teams" in response.content.decode()
    assert not Objective.objects.exists()


def test_a_viewer_cannot_open_the_review(client, viewer, planning):
    client.force_login(viewer)
    response = client.get(f"/objectives/templates/review/?cycle={planning.pk}&t=sales-efficiency")
    assert response.status_code == 403


def test_continuing_without_a_template_asks_for_one(client, owner, planning):
    client.force_login(owner)
    for junk in ("", "&t=nonsense&t=ws-abc&t=ws-99999999999&t=ws-&t=ws-²"):
        response = client.get(f"/objectives/templates/review/?cycle={planning.pk}{junk}")
        assert response.status_code == 422
        assert "Pick at least one template." in response.content.decode()


def test_review_page_reads_a_fixed_number_of_queries(
    client, owner, planning, product, django_assert_max_num_queries
):
    """As many queries for ten templates as for one (none per template or key result)."""
    client.force_login(owner)
    client.get(f"/objectives/templates/review/?cycle={planning.pk}&t=sales-efficiency")
    keys = "&".join(f"t={t['key']}" for t in templates_data.TEMPLATES)
    with django_assert_max_num_queries(10):
        response = client.get(f"/objectives/templates/review/?cycle={planning.pk}&{keys}")
    assert response.status_code == 200
    assert response.content.decode().count('name="o9-title"') == 1


# ---- workspace templates --------------------------------------------------------------------


def _full_objective(actor, cycle, team):
    obj = objective(
        actor, cycle, team, title="Make onboarding effortless", description="Why: churn in week 1."
    )
    key_result(
        actor,
        obj,
        title="Cut time to first value",
        kind="number",
        direction="decrease",
        unit="min",
        start_value=45.0,
        target_value=10.0,
        weight=2.0,
    )
    key_result(
        actor,
        obj,
        title="Onboarding checklist shipped",
        kind="milestones",
        milestones=[{"title": "Design", "weight": 1.0}, {"title": "Build", "weight": 3.0}],
    )
    key_result(
        actor,
        obj,
        title="Paid in euros",
        kind="currency",
        currency="EUR",
        start_value=0.0,
        target_value=5000.0,
        weight=0.0,
    )
    return obj


def _definition(obj):
    return (
        obj.title,
        obj.description,
        obj.kind,
        [
            (
                k.title,
                k.kind,
                k.direction,
                k.unit,
                k.currency,
                k.start_value,
                k.target_value,
                k.weight,
                [(m.title, m.weight) for m in k.milestones.all()],
            )
            for k in obj.key_results.order_by("id")
        ],
    )


def test_admin_saves_an_objective_as_a_template_and_it_round_trips(
    client, actor_of, admin, owner, cycle, planning, product
):
    source = _full_objective(actor_of(owner), cycle, product)
    client.force_login(admin)
    assert "Save as template" in client.get(f"/objectives/{source.pk}/").content.decode()
    response = client.post(f"/objectives/{source.pk}/save-as-template/")
    assert response.status_code == 302
    template = ObjectiveTemplate.objects.get()
    entry = AuditEntry.objects.get(object_type="objectivetemplate")
    assert (entry.action, entry.actor, entry.after["source_objective_id"]) == (
        "create",
        admin,
        source.pk,
    )
    # Every member sees it beside the built-in ones and builds from it.
    client.force_login(owner)
    picker = client.get(f"/objectives/templates/?cycle={planning.pk}").content.decode()
    assert f'value="ws-{template.pk}"' in picker and "Make onboarding effortless" in picker
    data = {"cycle_id": str(planning.pk), "team_id": str(product.pk), "t": [f"ws-{template.pk}"]}
    data["o0-title"] = "Make onboarding effortless"
    for j, kr in enumerate(template.key_results):
        data[f"o0-k{j}-use"] = "on"
        data[f"o0-k{j}-owner_id"] = str(owner.pk)
        data[f"o0-k{j}-start_value"] = str(kr["start_value"])
        data[f"o0-k{j}-target_value"] = str(kr["target_value"])
    response = client.post("/objectives/templates/review/", data)
    assert response.status_code == 302, response.content.decode()
    copy = Objective.objects.get(cycle=planning)
    assert _definition(copy) == _definition(source)


def test_saving_the_same_objective_twice_keeps_one_template_and_says_why(
    client, actor_of, admin, owner, cycle, product
):
    source = _full_objective(actor_of(owner), cycle, product)
    client.force_login(admin)
    client.post(f"/objectives/{source.pk}/save-as-template/")
    response = client.post(f"/objectives/{source.pk}/save-as-template/", follow=True)
    assert ObjectiveTemplate.objects.count() == 1
    assert "already has a template called" in response.content.decode()


def test_a_member_cannot_save_or_delete_a_workspace_template(
    client, actor_of, admin, owner, cycle, product
):
    source = _full_objective(actor_of(owner), cycle, product)
    client.force_login(owner)
    assert "Save as template" not in client.get(f"/objectives/{source.pk}/").content.decode()
    assert client.post(f"/objectives/{source.pk}/save-as-template/").status_code == 403
    assert not ObjectiveTemplate.objects.exists()
    template = actions.save_objective_as_template(actor_of(admin), source)
    assert client.post(f"/objectives/templates/{template.pk}/delete/").status_code == 403
    assert ObjectiveTemplate.objects.filter(pk=template.pk).exists()


def test_admin_deletes_a_workspace_template_audited(client, actor_of, admin, cycle, product):
    source = _full_objective(actor_of(admin), cycle, product)
    template = actions.save_objective_as_template(actor_of(admin), source)
    client.force_login(admin)
    picker = client.get(f"/objectives/templates/?cycle={cycle.pk}").content.decode()
    assert f"/objectives/templates/{template.pk}/delete/" in picker
    response = client.post(f"/objectives/templates/{template.pk}/delete/?cycle={cycle.pk}")
    assert response.status_code == 302 and f"cycle={cycle.pk}" in response["Location"]
    assert not ObjectiveTemplate.objects.exists()
    assert AuditEntry.objects.filter(object_type="objectivetemplate", action="delete").exists()


def test_a_template_of_another_workspace_is_not_found(client, actor_of, admin, outsider):
    from sasaran.accounts.models import Workspace

    other = Workspace.objects.get(slug="other")
    template = ObjectiveTemplate.objects.create(workspace=other, title="Theirs", key_results=[])
    client.force_login(admin)
    assert client.post(f"/objectives/templates/{template.pk}/delete/").status_code == 404
    html = client.get("/objectives/templates/review/?t=ws-" + str(template.pk)).content.decode()
    assert "Theirs" not in html


def test_workspace_template_key_results_are_validated_on_save():
    from sasaran.errors import Invalid
    from sasaran.okrs.actions.templates import clean_key_results

    ok = clean_key_results([{"title": "Ship", "kind": "boolean", "start_value": 5.0}])
    assert ok[0]["start_value"] == 0.0 and ok[0]["milestones"] == []
    with override("en"), pytest.raises(Invalid, match="Key result 1"):
        clean_key_results(
            [{"title": "Up", "kind": "number", "start_value": 9.0, "target_value": 1}]
        )
    with override("en"), pytest.raises(Invalid, match="Key result 2"):
        clean_key_results([{"title": "Fine", "kind": "boolean"}, {"title": "", "kind": "number"}])
    with pytest.raises(Invalid):
        clean_key_results([{"title": "Odd", "colour": "red"}])


# ---- language ---------------------------------------------------------------------------------


def test_built_in_template_texts_appear_in_indonesian(client, owner, planning, product):
    with override("id"):
        quality = templates_data.get("engineering-quality")
        launch = templates_data.get("product-launch")
    assert quality["title"] == "Meningkatkan kualitas rilis produk"
    assert quality["key_results"][0]["unit"] == "bug/bulan"
    assert launch["key_results"][1]["milestones"][1]["title"].startswith("Laksanakan dua sesi")
    client.force_login(owner)
    picker = client.get("/objectives/templates/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Perbaiki pengalaman pengguna dalam tiga bulan ke depan" in picker
    review = client.get(
        f"/objectives/templates/review/?cycle={planning.pk}&t=engineering-quality",
        HTTP_ACCEPT_LANGUAGE="id",
    ).content.decode()
    assert 'value="Meningkatkan kualitas rilis produk"' in review
    assert "Kurangi rata-rata jumlah laporan bug baru dari 72 menjadi 60 per bulan" in review
    assert 'placeholder="mis. 72"' in review


def test_every_built_in_template_text_is_translated():
    with override("id"):
        for template in templates_data.TEMPLATES:
            english = templates_data.localized(template)
            texts = [english["title"]]
            for kr in english["key_results"]:
                texts += [kr["title"], *(m["title"] for m in kr["milestones"])]
            for text in texts:
                assert text and text not in _english_texts(), text


def _english_texts() -> set[str]:
    with override("en"):
        out = set()
        for template in templates_data.TEMPLATES:
            t = templates_data.localized(template)
            out.add(t["title"])
            for kr in t["key_results"]:
                out |= {kr["title"], *(m["title"] for m in kr["milestones"])}
        return out


def test_workspace_templates_keep_the_admins_words_in_every_language(
    client, actor_of, admin, cycle, product
):
    source = _full_objective(actor_of(admin), cycle, product)
    actions.save_objective_as_template(actor_of(admin), source)
    client.force_login(admin)
    picker = client.get("/objectives/templates/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Make onboarding effortless" in picker and "Cut time to first value" in picker


# ---- API ----------------------------------------------------------------------------------------


def test_api_lists_workspace_and_built_in_templates_in_the_readers_language(
    api_client, actor_of, admin, owner, cycle, product
):
    source = _full_objective(actor_of(admin), cycle, product)
    template = actions.save_objective_as_template(actor_of(admin), source)
    response = api_client(owner).get("/api/v1/templates?limit=50", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 + len(templates_data.TEMPLATES)
    own, first_built_in = body["items"][0], body["items"][1]
    assert (own["id"], own["source"], own["title"]) == (
        f"ws-{template.pk}",
        "workspace",
        "Make onboarding effortless",
    )
    assert own["key_results"][1]["milestones"] == [
        {"title": "Design", "weight": 1.0},
        {"title": "Build", "weight": 3.0},
    ]
    assert first_built_in["source"] == "built_in"
    assert first_built_in["title"] == "Perbaiki pengalaman pengguna dalam tiga bulan ke depan"


def test_api_templates_of_another_workspace_stay_there(api_client, actor_of, admin, outsider):
    from sasaran.accounts.models import Workspace

    ObjectiveTemplate.objects.create(
        workspace=Workspace.objects.get(slug="other"), title="Theirs", key_results=[]
    )
    body = api_client(admin).get("/api/v1/templates?limit=50").json()
    assert "Theirs" not in {t["title"] for t in body["items"]}
