"""The PV de jury of a semester run: one row per student, from the engine's results (``reports.adapters.pv_row``)."""

from __future__ import annotations

from collections.abc import Sequence

from delibe.collation import by_name
from delibe.reports import adapters
from delibe.reports.data import (
    PVColumn,
    PVData,
    PVRow,
)
from delibe.web.models import Enrolment, SemesterRun
from delibe.web.selectors.department_settings import (
    run_document_settings,
)
from delibe.web.services.calcul import deliberate_students
from delibe.web.services.documents.common import _decisions_of, _jury_date, _short, _today, identite_of
from delibe.web.services.formations import formation_model
from delibe.web.services.jury import odd, proposals_of, year_runs


def pv_data(run: SemesterRun, *, president: str = "", membres: Sequence[str] = (), date_jury: str | None = None,
            lieu: str | None = None) -> PVData:
    """The PV of the jury of ``run`` (odd semester: its UEs; even semester: the year jury, UEs of both
    semesters, RCUEs, the year code and the diplomas). Codes: the jury's recorded decisions, else the
    proposal (then the row says so in its observations)."""
    runs = year_runs(run)
    formation = formation_model(run.formation)
    doc_settings = run_document_settings(run, formation)
    enrolments = by_name(Enrolment.objects.filter(semester=run).select_related("student"))
    ids = [e.student_id for e in enrolments]
    label = run.academic_year.label
    # Every student through ``deliberate`` (no cohort shortcut): the PV's rows are the engine's results
    cursus_of = deliberate_students(ids, up_to=label, odd_semester=odd(run))
    decisions = _decisions_of(ids, run)
    semestres = tuple(r.semestre for r in runs)
    ue_codes = [u.code for s in semestres for u in formation.ues_of(s)]
    rcue_keys: list[str] = []
    rows: list[PVRow] = []
    for enrolment in enrolments:
        sid = enrolment.student_id
        cursus = cursus_of.get(sid)
        mine = decisions.get(sid, {})
        proposals = proposals_of(cursus, run, with_reasons=False) if cursus is not None else {}
        pending = sum(1 for key in proposals if key not in mine)
        # undefined averages: no proposal, never printed as AJ
        incomplets = [key for (level, key), p in proposals.items()
                      if level == "ue" and (level, key) not in mine and p.code is None and p.incomplet]
        observations = [f"{key[1]}: {d.departure_reason}" for key, d in mine.items()
                        if d.departure_reason and key in proposals]
        if cursus is not None and cursus.error:
            observations.append(cursus.error)
        elif incomplets:
            observations.append(f"incomplet (moyenne indéfinie, pas de proposition): {', '.join(incomplets)}")
        elif pending:
            observations.append("propositions non encore décidées")
        judged = None
        if cursus is not None:
            judged = cursus.year_result(label) if run.semestre % 2 == 0 else cursus.semester_result
        if judged is None:
            rows.append(PVRow(etudiant=identite_of(enrolment.student), observations=" ; ".join(observations),
                              parcours=enrolment.parcours))
            continue
        sortie = proposals.get(("annee", f"BUT{run.annee_but}"))
        row = adapters.pv_row(judged, identite_of(enrolment.student),
                              recorded={key: d.decided_code for key, d in mine.items() if key in proposals},
                              code_annee=sortie.code if sortie is not None else None,
                              parcours=enrolment.parcours, observations=" ; ".join(observations))
        rcue_keys += [k for k in row.rcues if k not in rcue_keys]
        rows.append(row)
    ue_columns = tuple(PVColumn(c, c) for c in ue_codes)
    rcue_columns = tuple(PVColumn(k, _short(k)) for k in rcue_keys)
    all_decisions = [d for ds in decisions.values() for d in ds.values()]
    return PVData(
        config=doc_settings.config, formation=formation.titre, annee_universitaire=label, semestres=semestres,
        date_jury=date_jury or _jury_date(run, all_decisions) or _today(),
        president=president or doc_settings.president or "(président du jury)",
        membres=tuple(m for m in (membres or doc_settings.membres) if m), ue_columns=ue_columns,
        rows=tuple(rows), rcue_columns=rcue_columns, stats=adapters.pv_stats(rows, ue_columns + rcue_columns),
        lieu=lieu if lieu is not None else doc_settings.lieu,
    )
