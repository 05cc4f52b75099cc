"""The `sasaran` command: our subcommands work, and errors are a message on stderr + exit 2."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from sasaran.accounts.models import ApiToken, hash_token
from sasaran.okrs.models import CheckIn, KeyResult
from tests.okrs.helpers import key_result, objective

SASARAN = str(Path(sys.executable).with_name("sasaran"))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A migrated SQLite database for commands run as real processes."""
    path = tmp_path_factory.mktemp("cli")
    env = {**os.environ, "SASARAN_DATA_DIR": str(path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([SASARAN, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    return path


def run(data_dir, *args):
    env = {**os.environ, "SASARAN_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([SASARAN, *args], env=env, capture_output=True, text=True, timeout=60)


def test_token_create_prints_only_the_token(admin, capsys):
    call_command("token", "create", "ADMIN@example.com")
    out = capsys.readouterr().out
    raw = out.strip()
    assert out == raw + "\n"
    assert ApiToken.objects.get(key_hash=hash_token(raw)).user == admin


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["token", "create", "nobody@example.com"], "No user with the email nobody@example.com"),
        (["checkin", "12345", "--value", "3", "--confidence", "4"], "No key result with id 12345"),
        (["checkin", "1", "--value", "3"], "--confidence"),
        (["checkin", "x", "--confidence", "3"], "invalid int value"),
    ],
)
def test_errors_go_to_stderr_with_exit_status_2(data_dir, args, message):
    result = run(data_dir, *args)
    assert result.returncode == 2, result
    assert message in result.stderr
    assert result.stdout == ""


def test_bad_setting_is_refused_clearly(data_dir):
    env = {**os.environ, "SASARAN_DATA_DIR": str(data_dir), "EMAIL_PORT": "twenty-five"}
    result = subprocess.run([SASARAN, "check"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "EMAIL_PORT must be an integer" in result.stderr


def test_checkin_command_checks_in_as_owner(actor_of, owner, cycle, product, capsys):
    kr = key_result(actor_of(owner), objective(actor_of(owner), cycle, product))
    call_command("checkin", str(kr.pk), "--value", "35", "--confidence", "4", "--note", "Survey")
    out = capsys.readouterr().out
    checkin = CheckIn.objects.get(key_result=kr)
    assert (checkin.author, checkin.value, checkin.progress_note) == (owner, 35.0, "Survey")
    assert "progress 50%" in out


def test_checkin_command_on_a_kr_with_nothing_to_count_says_progress_is_unknown(
    actor_of, owner, cycle, product, capsys
):
    from sasaran.okrs import actions

    obj = objective(actor_of(owner), cycle, product)
    kr = actions.create_key_result(actor_of(owner), obj, title="Link the tasks", kind="tasks")
    call_command("checkin", str(kr.pk), "--confidence", "3", "--note", "Planning")
    assert "progress unknown, no status" in capsys.readouterr().out


def test_recompute_command_finds_unknown_progress_again(actor_of, owner, cycle, product):
    from sasaran.okrs import actions

    obj = objective(actor_of(owner), cycle, product)
    kr = actions.create_key_result(actor_of(owner), obj, title="Checklist", kind="milestones")
    KeyResult.objects.update(progress=0.0, status="off_track")
    call_command("recompute")
    assert KeyResult.objects.values_list("progress", "status").get(pk=kr.pk) == (None, None)


def test_checkin_command_refuses_confidence_out_of_range(actor_of, owner, cycle, product):
    from django.core.management.base import CommandError

    kr = key_result(actor_of(owner), objective(actor_of(owner), cycle, product))
    with pytest.raises(CommandError, match="Confidence is a whole number from 1 to 5") as err:
        call_command("checkin", str(kr.pk), "--value", "35", "--confidence", "9")
    assert err.value.returncode == 2
    assert not CheckIn.objects.exists()


def test_recompute_command_rebuilds_values(actor_of, owner, cycle, product, capsys):
    kr = key_result(actor_of(owner), objective(actor_of(owner), cycle, product))
    call_command("checkin", str(kr.pk), "--value", "35", "--confidence", "4")
    KeyResult.objects.update(progress=0.0)
    call_command("recompute")
    assert KeyResult.objects.get(pk=kr.pk).progress == pytest.approx(0.5)
    assert "1 key results" in capsys.readouterr().out
