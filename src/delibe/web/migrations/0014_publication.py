# ruff: noqa: RUF012  (Django reads migration class attributes as plain lists by design)
# Issue 14: what the students of a semester see before the jury (grades, averages, ranks).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("delibe", "0002_student_civilite"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluation",
            name="publiee",
            field=models.BooleanField(default=False, verbose_name="notes publiées aux étudiants"),
        ),
        migrations.CreateModel(
            name="Publication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("notes", models.CharField(choices=[("toutes", "Toutes les notes, dès leur saisie"), ("evaluations", "Évaluation par évaluation (celles cochées)"), ("aucune", "Aucune note pour l'instant")], default="toutes", max_length=12, verbose_name="notes")),
                ("moyennes", models.BooleanField(default=True, verbose_name="moyennes des modules et des UE")),
                ("rangs", models.BooleanField(default=True, verbose_name="rangs")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("semester", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="publication", to="delibe.semesterrun")),
                ("updated_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
