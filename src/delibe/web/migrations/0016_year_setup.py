# ruff: noqa: RUF012  (Django reads migration class attributes as plain lists by design)
# Issue 13: the year's set-up (parcours offered, Apogée étape) and archived years (read-only).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("delibe", "0015_enrolment_dates_and_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="semesterrun",
            name="parcours_offerts",
            field=models.JSONField(blank=True, default=list, verbose_name="parcours offerts"),
        ),
        migrations.AddField(
            model_name="semesterrun",
            name="etape_apogee",
            field=models.CharField(blank=True, max_length=40, verbose_name="code étape Apogée"),
        ),
        migrations.AddField(
            model_name="semesterrun",
            name="archived",
            field=models.BooleanField(default=False, verbose_name="archivé"),
        ),
        migrations.AddField(
            model_name="semesterrun",
            name="archived_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
