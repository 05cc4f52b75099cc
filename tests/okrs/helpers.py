"""Small builders for OKR tests, going through the real actions."""

from sasaran.okrs import actions


def objective(actor, cycle, team=None, **fields):
    fields.setdefault("title", "Delight our customers")
    return actions.create_objective(
        actor, cycle_id=cycle.pk, team_id=team.pk if team else None, **fields
    )


def key_result(actor, objective, **fields):
    fields.setdefault("title", "Raise NPS from 20 to 50")
    fields.setdefault("start_value", 20.0)
    fields.setdefault("target_value", 50.0)
    return actions.create_key_result(actor, objective, **fields)
