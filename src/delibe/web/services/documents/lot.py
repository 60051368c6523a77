"""Every document of a semester run, for a batch (``reports.batch``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from delibe.collation import by_name
from delibe.web.models import SemesterRun
from delibe.web.services.documents.bulletin import _bulletins, _run_context
from delibe.web.services.documents.common import _jury_date, _today
from delibe.web.services.documents.diplome import (
    DiplomaInfo,
    _attestation,
    _lettre,
    _releve,
    has_decision_letter,
)
from delibe.web.services.documents.pv import pv_data


def run_documents(run: SemesterRun, *, president: str = "", membres: Sequence[str] = (),
                  date_jury: str | None = None, court: bool = False, member_ids: set[int] | None = None) -> list[Any]:
    """Every document of a semester run for ``delibe.reports.batch``: the PV (PDF, XLSX), the bulletins
    (PDF, JSON), and at an even semester the letters of the recorded year decisions and the transcripts
    and attestations of the diplomas awarded. ``court``: the short bulletins (one page, without each
    module's evaluations; about a third of the rendering time). ``member_ids``: only these students'
    documents (one group's); the PV stays the whole jury's and ranks stay those of the semester."""
    from delibe.reports import batch

    every = by_name(run.enrolments.select_related("student"))
    # One computation for the whole semester: averages, jury (every student's cursus), decisions.
    ctx = _run_context(run, [e.student_id for e in every])
    enrolments = every if member_ids is None else [e for e in every if e.student_id in member_ids]
    bulletins = _bulletins(ctx, [e.student for e in enrolments], None)
    if court:
        short = replace(ctx.settings.config, details_evaluations=False)
        bulletins = [replace(b, config=short) for b in bulletins]
    pv = pv_data(run, president=president, membres=membres, date_jury=date_jury)
    lettres, releves, attestations = [], [], []
    if run.semestre % 2 == 0:
        label = run.academic_year.label
        formation = ctx.outcome.formation
        for e in enrolments:
            decisions = ctx.decisions.get(e.student_id, {})
            cursus = ctx.cursus.get(e.student_id)
            if not has_decision_letter(e.student_id, run, decisions) or cursus is None or cursus.result is None:
                continue
            lettres.append(_lettre(run, e.student, cursus, decisions, ctx.settings, formation))
            year = cursus.year_result(label)
            for name, awarded in (("DUT", year.diplomes.dut), ("BUT", year.diplomes.but)) if year else ():
                if awarded:  # at this jury, whose year decision is recorded (has_decision_letter)
                    info = DiplomaInfo(name, _jury_date(run, decisions.values()) or _today(), label)
                    releves.append(_releve(e.student, name, cursus, info, formation, ctx.settings))
                    attestations.append(_attestation(e.student, name, cursus, info, formation, ctx.settings))
    return batch.semester_documents(bulletins, pv, lettres, releves, attestations)
