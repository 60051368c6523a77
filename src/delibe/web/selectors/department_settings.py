"""The department's settings in force at a date (issue 13, item 7): the one reader of the settings of
documents (names, logo, jury president and members, signatory, ranks), and of the default publication
rules of a semester.

A settings row applies from its ``applies_from`` date until the next row. Before the first row, the first
row applies (it is the best knowledge of the past a department has); without any row, the defaults below.
A semester's documents use the settings in force at its jury's date once the jury is closed, today's
otherwise (``settings_date``).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from delibe.reports.data import ReportConfig
from delibe.web.models import Department, DepartmentSettings, GradePublication, SemesterRun


@dataclass(frozen=True)
class DocumentSettings:
    config: ReportConfig
    president: str = ""
    membres: tuple[str, ...] = ()
    lieu: str = ""


@dataclass(frozen=True)
class PublicationDefaults:
    notes: str = GradePublication.TOUTES
    moyennes: bool = True
    rangs: bool = True


def settings_row_at(department: Department | int, on: dt.date | None = None) -> DepartmentSettings | None:
    """The row in force on ``on`` (today by default); before the first row, the first row; None without any."""
    department_id = department if isinstance(department, int) else department.pk
    rows = DepartmentSettings.objects.filter(department_id=department_id)
    on = on or timezone.localdate()
    row = rows.filter(applies_from__lte=on).order_by("-applies_from").first()
    return row if row is not None else rows.order_by("applies_from").first()


def settings_date(run: SemesterRun) -> dt.date:
    """The date whose settings a semester's documents use: its jury's date once closed (the runs one jury
    covers, as ``services.jury.year_runs``: an odd semester alone, an even one with its odd partner),
    else today."""
    semestres = [run.semestre] if run.semestre % 2 == 1 else [run.semestre - 1, run.semestre]
    locked = [at for at in SemesterRun.objects.filter(
        formation_id=run.formation_id, academic_year_id=run.academic_year_id, semestre__in=semestres, locked=True,
    ).values_list("locked_at", flat=True) if at is not None]
    return timezone.localtime(max(locked)).date() if locked else timezone.localdate()


def logo_data_url(row: DepartmentSettings | None) -> str | None:
    if row is None or not row.logo:
        return None
    return f"data:{row.logo_type or 'image/png'};base64,{base64.b64encode(bytes(row.logo)).decode('ascii')}"


def document_settings(department: Department, formation: Any = None, *, on: dt.date | None = None
                      ) -> DocumentSettings:
    """The settings of the documents of ``department`` in force on ``on``: its settings row, else its name
    and the formation's établissement. The signatory defaults to the jury's president."""
    row = settings_row_at(department, on)
    etablissement = getattr(formation, "etablissement", "") if formation is not None else ""
    if row is None:
        config = ReportConfig(departement=department.nom, **({"etablissement": etablissement} if etablissement
                                                             else {}))
        return DocumentSettings(config)
    config = ReportConfig(
        etablissement=row.etablissement or etablissement or ReportConfig.etablissement,
        departement=row.departement or department.nom, universite=row.universite, adresse=row.adresse,
        ville=row.ville, logo=logo_data_url(row), signataire_nom=row.signataire_nom or row.president,
        signataire_titre=row.signataire_titre, afficher_rangs=row.afficher_rangs,
        details_evaluations=row.details_evaluations,
    )
    membres = tuple(m.strip() for m in row.membres.splitlines() if m.strip())
    return DocumentSettings(config, row.president or row.signataire_nom, membres, row.lieu or row.ville)


def run_document_settings(run: SemesterRun, formation: Any = None) -> DocumentSettings:
    return document_settings(run.formation.department, formation, on=settings_date(run))


def publication_defaults(department_id: int, on: dt.date | None = None) -> PublicationDefaults:
    """What a semester publishes before its responsable sets anything (everything, unless the department
    decided otherwise)."""
    row = settings_row_at(department_id, on)
    if row is None:
        return PublicationDefaults()
    return PublicationDefaults(row.publication_notes, row.publication_moyennes, row.publication_rangs)
