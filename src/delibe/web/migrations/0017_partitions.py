# ruff: noqa: RUF012  (Django reads migration class attributes as plain lists by design)
# Issue 13: partitions and groups (ScoDoc's), replacing SemesterRun.groupes (a flat list) and
# Enrolment.groupe (one name); students' photos kept outside the static files.
#
# Data: every semester that declared groups or has an enrolment with a group gets one partition
# « Groupes » holding the declared groups and those found on enrolments; each such enrolment becomes a
# member of its group. Going back keeps, for each enrolment, the group of its first partition.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DEFAULT_PARTITION = "Groupes"


def flat_to_partitions(apps, schema_editor):
    SemesterRun = apps.get_model("delibe", "SemesterRun")
    Enrolment = apps.get_model("delibe", "Enrolment")
    Partition = apps.get_model("delibe", "Partition")
    Groupe = apps.get_model("delibe", "Groupe")
    GroupMembership = apps.get_model("delibe", "GroupMembership")
    for run in SemesterRun.objects.all().order_by("pk"):
        declared = [str(g).strip()[:40] for g in (run.groupes or []) if str(g).strip()]
        enrolments = [(e.pk, e.groupe.strip()[:40]) for e in Enrolment.objects.filter(semester=run).order_by("pk")]
        names = list(dict.fromkeys(declared + [g for _, g in enrolments if g]))
        if not names:
            continue
        partition = Partition.objects.create(semester=run, name=DEFAULT_PARTITION, order=0)
        groups = {name: Groupe.objects.create(partition=partition, name=name) for name in names}
        GroupMembership.objects.bulk_create([
            GroupMembership(enrolment_id=pk, partition=partition, groupe=groups[g]) for pk, g in enrolments if g
        ])


def partitions_to_flat(apps, schema_editor):
    SemesterRun = apps.get_model("delibe", "SemesterRun")
    Enrolment = apps.get_model("delibe", "Enrolment")
    Partition = apps.get_model("delibe", "Partition")
    GroupMembership = apps.get_model("delibe", "GroupMembership")
    for run in SemesterRun.objects.all().order_by("pk"):
        partition = Partition.objects.filter(semester=run).order_by("order", "name", "pk").first()
        if partition is None:
            continue
        run.groupes = list(partition.groupes.order_by("name").values_list("name", flat=True))
        run.save(update_fields=["groupes"])
        for m in GroupMembership.objects.filter(partition=partition).select_related("groupe"):
            Enrolment.objects.filter(pk=m.enrolment_id).update(groupe=m.groupe.name)


class Migration(migrations.Migration):

    dependencies = [
        ("delibe", "0016_year_setup"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Partition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=40, verbose_name="nom de la partition")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="ordre")),
                ("semester", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="partitions", to="delibe.semesterrun")),
            ],
            options={"ordering": ["order", "name", "id"]},
        ),
        migrations.CreateModel(
            name="Groupe",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=40, verbose_name="nom du groupe")),
                ("partition", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="groupes", to="delibe.partition")),
            ],
            options={"ordering": ["partition__order", "partition__name", "name", "id"]},
        ),
        migrations.CreateModel(
            name="GroupMembership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("enrolment", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="group_memberships", to="delibe.enrolment")),
                ("groupe", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="delibe.groupe")),
                ("partition", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="delibe.partition")),
            ],
        ),
        migrations.AddConstraint(
            model_name="partition",
            constraint=models.UniqueConstraint(fields=("semester", "name"), name="partition_unique_name"),
        ),
        migrations.AddConstraint(
            model_name="groupe",
            constraint=models.UniqueConstraint(fields=("partition", "name"), name="groupe_unique_name"),
        ),
        migrations.AddConstraint(
            model_name="groupmembership",
            constraint=models.UniqueConstraint(fields=("enrolment", "partition"), name="one_group_per_partition"),
        ),
        migrations.RunPython(flat_to_partitions, partitions_to_flat),
        migrations.RemoveField(model_name="enrolment", name="groupe"),
        migrations.RemoveField(model_name="semesterrun", name="groupes"),
        migrations.CreateModel(
            name="StudentPhoto",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("path", models.CharField(max_length=200, verbose_name="fichier")),
                ("sha256", models.CharField(max_length=64)),
                ("source_name", models.CharField(blank=True, max_length=200, verbose_name="fichier d'origine")),
                ("uploaded_at", models.DateTimeField(auto_now=True)),
                ("student", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="photo", to="delibe.student")),
                ("uploaded_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
