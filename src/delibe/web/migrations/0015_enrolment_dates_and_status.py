# ruff: noqa: RUF012  (Django reads migration class attributes as plain lists by design)
# Issue 13: late enrolment (date, policy for earlier evaluations) and the date of a démission/défaillance.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("delibe", "0014_publication"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="inscrit_le",
            field=models.DateField(blank=True, null=True, verbose_name="inscrit le"),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="avant_inscription",
            field=models.CharField(
                choices=[("EXC", "EXC (neutralisées)"), ("ATT", "ATT (en attente d'un rattrapage)")],
                default="EXC", max_length=3,
                verbose_name="notes des évaluations antérieures à l'inscription",
            ),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="etat_le",
            field=models.DateField(blank=True, null=True, verbose_name="date de démission ou de défaillance"),
        ),
    ]
