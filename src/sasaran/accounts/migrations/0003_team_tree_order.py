from django.db import migrations, models

from sasaran.accounts.teamtree import places


def number_existing_teams(apps, schema_editor):
    Team = apps.get_model("accounts", "Team")
    for workspace_id in Team.objects.values_list("workspace_id", flat=True).distinct():
        teams = list(Team.objects.filter(workspace_id=workspace_id))
        place = places([(t.pk, t.name, t.parent_id) for t in teams])
        for team in teams:
            team.tree_order = place.get(team.pk, 0)
        Team.objects.bulk_update(teams, ["tree_order"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_notify_email_digest_user_notify_email_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="tree_order",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(number_existing_teams, migrations.RunPython.noop),
    ]
