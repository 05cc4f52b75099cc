"""Every write to the OKR domain: atomic, permission-checked, audited, derived values updated in
the same transaction, events published (okrs.events). One module per concept; each action's
signature is the list of fields it accepts."""

from sasaran.okrs.actions.carry_over import carry_over
from sasaran.okrs.actions.checkins import FarFromRange, create_checkin
from sasaran.okrs.actions.closing import close_cycle, grade_key_result, save_retrospective
from sasaran.okrs.actions.comments import add_comment, delete_comment, edit_comment
from sasaran.okrs.actions.cycles import create_cycle, delete_cycle, update_cycle
from sasaran.okrs.actions.key_results import (
    StartIsTarget,
    create_key_result,
    delete_key_result,
    report_task_counts,
    update_key_result,
)
from sasaran.okrs.actions.objectives import (
    create_objective,
    delete_objective,
    update_objective,
    why_not_deleted,
)
from sasaran.okrs.actions.templates import delete_template, save_objective_as_template

__all__ = [
    "FarFromRange",
    "StartIsTarget",
    "add_comment",
    "carry_over",
    "close_cycle",
    "create_checkin",
    "create_cycle",
    "create_key_result",
    "create_objective",
    "delete_comment",
    "delete_cycle",
    "delete_key_result",
    "delete_objective",
    "delete_template",
    "edit_comment",
    "grade_key_result",
    "report_task_counts",
    "save_objective_as_template",
    "save_retrospective",
    "update_cycle",
    "update_key_result",
    "update_objective",
    "why_not_deleted",
]
