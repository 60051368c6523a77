# ruff: noqa: RUF012  (Django reads Migration class attributes as plain lists by design)
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="WorkerBeat",
            fields=[
                ("worker_id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("host", models.CharField(max_length=200)),
                ("pid", models.IntegerField()),
                ("started", models.DateTimeField()),
                ("last_seen", models.DateTimeField(db_index=True)),
            ],
            options={"verbose_name": "battement d'un worker"},
        ),
    ]
