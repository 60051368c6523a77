# ruff: noqa: RUF012  (Django reads migration class attributes as plain lists by design)
# Issue 19 (item 7, a whole university): a covering index for the averages cache's check of a semester's
# grades (services.calcul.compute_runs), answered by an index-only scan on PostgreSQL.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('delibe', '0019_h15b_mail_addresses'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='grade',
            index=models.Index(fields=['evaluation'], include=('id', 'version', 'updated_at'), name='grade_stamp_idx'),
        ),
    ]
