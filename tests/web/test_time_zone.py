"""Pages show dates and times in the reader's time zone: their profile's, else the workspace's."""

import datetime as dt

from django.utils import timezone

from sasaran.okrs import actions
from tests.okrs.helpers import key_result, objective


def test_pages_show_times_in_the_workspace_zone_then_the_readers_own(
    client, actor_of, owner, workspace, cycle, product
):
    workspace.time_zone = "Asia/Jakarta"  # UTC+7
    workspace.save()
    obj = objective(actor_of(owner), cycle, product)
    kr = key_result(actor_of(owner), obj, start_value=0.0, target_value=10.0)
    at = timezone.now().replace(hour=1, minute=5, second=0, microsecond=0)
    if at > timezone.now():
        at -= dt.timedelta(days=1)
    actions.create_checkin(actor_of(owner), kr.pk, value=3.0, confidence=4, checked_in_at=at)
    client.force_login(owner)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert "08:05" in html and "01:05" not in html
    owner.time_zone = "Asia/Tokyo"  # UTC+9
    owner.save()
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert "10:05" in html and "08:05" not in html
