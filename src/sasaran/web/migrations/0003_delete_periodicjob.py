# The worker's periodic jobs moved to the scheduler app (scheduler.Occurrence).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("web", "0002_cache_table")]

    operations = [migrations.DeleteModel(name="PeriodicJob")]
