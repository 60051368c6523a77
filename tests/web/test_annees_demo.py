"""The passage on the demo department (services/demo.py: three years, 60 apprentices, closed juries): its
generator enrolled the 2023-2024 students from their 2022-2023 decisions, and the passage agrees; the copy
and the preview of a department's year cost little (measured, printed with -s)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_passage_agrees_with_the_demo_departments_history_and_costs_little(demo):
    """The demo generator enrolled its students in 2023-2024 from their 2022-2023 decisions: the passage
    sends each one exactly where they are already."""
    import time

    from delibe.web.models import Department
    from delibe.web.services.annees import copy_year, passage_preview
    from delibe.web.services.demo import DEPARTMENT

    department = Department.objects.get(code=DEPARTMENT[0])
    history = passage_preview(department, "2022-2023")
    assert history.lines and {line.kind for line in history.lines} == {"deja"}
    started = time.perf_counter()
    copy = copy_year(user=None, department=department, source_label="2023-2024")
    copied = time.perf_counter() - started
    started = time.perf_counter()
    preview = passage_preview(department, "2023-2024")
    previewed = time.perf_counter() - started
    assert len(copy.runs) == 6 and len(preview.lines) == 60
    print(f"\ncopie {len(copy.runs)} semestres, {copy.evaluations} évaluations : {copied:.2f} s ; "
          f"aperçu du passage de {len(preview.lines)} étudiants : {previewed:.2f} s")
