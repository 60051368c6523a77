"""Reads for the student pages: the whole cursus (staff) and a student's own results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.shortcuts import get_object_or_404

from delibe.web import permissions as perm
from delibe.web.models import Enrolment, Grade, JuryDecision, SemesterRun, Student
from delibe.web.services.calcul import INCOMPLETE_RULES, compute_runs, deliberate_students
from delibe.web.services.formations import formation_model
from delibe.web.services.grades import display_of
from delibe.web.services.publication import rules_of

FALLBACK_CODES = {
    "ADM": "Admis : validé.",
    "CMP": "Acquis par compensation au sein du RCUE.",
    "AJ": "Ajourné : non validé.",
    "PASD": "Non admis, mais passage de droit dans l'année suivante.",
    "RED": "Ajourné, autorisé à redoubler.",
}


def explain_code(code: str | None) -> str:
    if not code:
        return ""
    try:
        from delibe.reports.codes import CODES
    except ImportError:  # the documents package is optional for the pages
        return FALLBACK_CODES.get(code, "")
    info = CODES.get(code)
    return f"{info.libelle} — {info.explication}" if info else ""


def code_label(code: str | None) -> str:
    if not code:
        return ""
    try:
        from delibe.reports.codes import CODES
    except ImportError:
        return code
    info = CODES.get(code)
    return info.libelle if info else code


@dataclass
class YearView:
    label: str
    annee_but: int
    runs: list[SemesterRun]
    ues: list[dict[str, Any]]
    rcues: list[dict[str, Any]]
    annee: dict[str, Any] | None
    redoublant: bool = False
    # UEs of earlier years this year's jury changed: descending validation (ADSUP), jury decisions
    autres: list[dict[str, Any]] = field(default_factory=list)
    # a repeater's UEs acquired at an earlier attempt of the same year, carried (services/annees.py)
    capitalisees: list[Any] = field(default_factory=list)


@dataclass
class CursusView:
    student: Student
    years: list[YearView]
    error: str = ""
    final: Any | None = None


def _decision_dict(level: str, key: str, moyenne: float | None, proposed: str | None,
                   decision: JuryDecision | None, reasons: list[dict[str, Any]], titre: str = "") -> dict[str, Any]:
    code = decision.decided_code if decision else None
    return {
        "level": level, "key": key, "titre": titre, "moyenne": moyenne, "proposed": proposed,
        "decided": code, "reasons": reasons,
        "departure_reason": decision.departure_reason if decision else "",
        "explication": explain_code(code or proposed), "libelle": code_label(code or proposed),
        # no proposal because an average is undefined (« incomplet », never AJ): the engine's reason
        "incomplet": "" if proposed else next((str(r.get("text", "")) for r in reasons
                                               if r.get("rule") in INCOMPLETE_RULES), ""),
    }


# What a UE changed by a later jury became, in the words of docs/domain.md §5.
LATER_TEXT = {"ADSUP": "acquise car le niveau supérieur est validé"}


def _later(code: str | None) -> str:
    return LATER_TEXT.get(code or "", code_label(code))


def _autre_dict(key: str, state: Any, label: str) -> dict[str, Any]:
    """A UE of an earlier year changed by the jury of ``label`` (ADSUP, or the jury's own decision)."""
    return {
        "level": "ue", "key": key, "titre": state.ue.titre, "moyenne": state.moyenne, "code": state.code,
        "texte": _later(state.code), "explication": explain_code(state.code), "label": label,
        "reasons": [r.as_dict() for r in state.reasons[-1:]],
    }


def cursus(student: Student) -> CursusView:
    """Every year the student took, with UE/RCUE/year averages, proposals and recorded decisions."""
    enrolments = list(
        Enrolment.objects.filter(student=student).select_related("semester__academic_year", "semester__formation")
        .order_by("semester__academic_year__label", "semester__semestre")
    )
    if not enrolments:
        return CursusView(student, [])
    last = max(e.semester.academic_year.label for e in enrolments)
    result = deliberate_students([student.pk], up_to=last).get(student.pk)
    decisions = {
        (d.academic_year.label, d.level, d.key): d
        for d in JuryDecision.objects.filter(student=student).select_related("academic_year")
    }
    years: list[YearView] = []
    if result is None:
        return CursusView(student, [])
    # UE code -> what a later jury made of it (the last such jury counts)
    later: dict[str, dict[str, Any]] = {}
    if result.result is not None:
        for (label, _, _), year in zip(result.attempts, result.result.years, strict=False):
            for code, state in year.autres_ues.items():
                later[code] = _autre_dict(code, state, label)
    for index, (label, annee, runs) in enumerate(result.attempts):
        year = result.result.years[index] if result.result is not None and index < len(result.result.years) else None
        redoublant = any(e.redoublant for e in enrolments if e.semester in runs)
        if year is None:
            years.append(YearView(label, annee, runs, [], [], None, redoublant))
            continue
        ues = [
            _decision_dict("ue", code, ue.moyenne, ue.proposed, decisions.get((label, "ue", code)),
                           [r.as_dict() for r in ue.reasons], ue.ue.titre)
            for code, ue in sorted(year.ues.items())
        ]
        for d in ues:
            if d["key"] in later and later[d["key"]]["label"] > label:
                d["ensuite"] = later[d["key"]]
                d["ensuite"]["proposition"] = not any(
                    k[0] == later[d["key"]]["label"] and k[1] == "annee" for k in decisions)
        rcues = [
            _decision_dict("rcue", nom, rc.moyenne, rc.proposed, decisions.get((label, "rcue", nom)),
                           [r.as_dict() for r in rc.reasons])
            for nom, rc in year.rcues.items()
        ]
        # an RCUE of this year validated later by descending validation: its UEs went ADSUP then
        final_rcues = {(r.competence, r.annee): r.code for r in result.result.final.rcues} \
            if result.result is not None else {}
        for d, rc in zip(rcues, year.rcues.values(), strict=True):
            went = [later[u] for u in rc.ues if u in later and later[u]["code"] == "ADSUP" and later[u]["label"] > label]
            if went and final_rcues.get((d["key"], annee)) == "ADSUP" and rc.decided != "ADSUP":
                d["ensuite"] = {**went[-1], "texte": "acquis car le niveau supérieur est validé"}
        key = f"BUT{annee}"
        annee_d = _decision_dict("annee", key, None, year.annee.proposed, decisions.get((label, "annee", key)),
                                 [r.as_dict() for r in year.annee.reasons])
        # the year jury has not recorded its decision yet: what it changed is a proposal too
        autres = [{**_autre_dict(code, state, label), "proposition": annee_d["decided"] is None}
                  for code, state in sorted(year.autres_ues.items())]
        years.append(YearView(label, annee, runs, ues, rcues, annee_d, redoublant, autres))
    from delibe.web.services.annees import capitalised_decisions

    for view in years:
        if view.redoublant:
            view.capitalisees = capitalised_decisions(student, view.annee_but, view.label)
    final = result.result.final if result.result is not None else None
    return CursusView(student, years, result.error, final)


@dataclass
class ModuleView:
    code: str
    titre: str
    moyennes: list[tuple[str, float | None]]
    evaluations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SemesterView:
    run: SemesterRun
    ues: list[dict[str, Any]]
    modules: list[ModuleView]
    provisional: bool
    decisions: list[dict[str, Any]]
    averages_published: bool = True
    pending_grades: int = 0  # evaluations whose grades are not published yet


def own_results(student: Student) -> list[SemesterView]:
    """A student's results, most recent semester first: UE averages, module averages, evaluations, and
    the jury's recorded decisions (never a proposal: the jury has not spoken yet) explained in plain words."""
    enrolments = list(
        Enrolment.objects.filter(student=student).select_related("semester__academic_year", "semester__formation")
        .order_by("-semester__academic_year__label", "-semester__semestre")
    )
    outcomes = compute_runs([e.semester for e in enrolments], [student.pk])
    grades = {
        evaluation_id: display_of(value, special)
        for evaluation_id, value, special in Grade.objects.filter(student=student).values_list(
            "evaluation_id", "value", "special"
        )
    }
    decisions = list(JuryDecision.objects.filter(student=student).select_related("academic_year"))
    views = []
    for enrolment in enrolments:
        run = enrolment.semester
        outcome = outcomes[run.pk]
        rules = rules_of(run)  # what the responsable published (grades, averages) before the jury
        formation = formation_model(run.formation)
        ue_list = formation.ues_of(run.semestre, enrolment.parcours)
        averages = rules.moyennes or run.locked
        ues = [
            {"code": u.code, "titre": u.titre, "ects": u.ects,
             "moyenne": outcome.ue_average(student.pk, u.code) if averages else None}
            for u in ue_list
        ]
        modules = []
        pending = 0
        for module in formation.modules_of(run.semestre, enrolment.parcours):
            mv = ModuleView(module.code, module.titre, [
                (ue_code, outcome.module_average(student.pk, module.code, ue_code) if averages else None)
                for ue_code in module.coefficients if any(u.code == ue_code for u in ue_list)
            ])
            for evaluation in outcome.evaluations:
                if evaluation.module_code == module.code:
                    visible = run.locked or rules.grade_visible(evaluation.pk)
                    pending += not visible
                    mv.evaluations.append({
                        "titre": evaluation.titre, "date": evaluation.date, "coefficient": evaluation.coefficient,
                        "note_max": evaluation.note_max, "note": grades.get(evaluation.pk, "") if visible else "",
                        "publiee": visible,
                    })
            modules.append(mv)
        semester_decisions = [
            {"level": d.get_level_display(), "key": d.key, "code": d.decided_code, "moyenne": d.moyenne,
             "libelle": code_label(d.decided_code), "explication": explain_code(d.decided_code)}
            for d in decisions
            if d.academic_year_id == run.academic_year_id
            and ((d.level == "ue" and d.semestre == run.semestre) or (d.level != "ue" and run.semestre % 2 == 0))
            and any(r.locked for r in [run])
        ]
        views.append(SemesterView(run, ues, modules, outcome.provisional(student.pk), semester_decisions,
                                  averages_published=averages, pending_grades=pending))
    return views


def managed_student(user: Any, pk: int) -> Student:
    """The student ``user`` manages (the department's scolarité): 404 outside their departments, 403 for
    who sees but may not manage. Shared by the pages and the API of the student's life."""
    student = get_object_or_404(Student.objects.select_related("department", "formation"), pk=pk)
    perm.require_visible(perm.can_view_department(user, student.department_id))
    perm.require(perm.can_manage_students(user, student.department_id))
    return student


def managed_enrolment(user: Any, pk: int, enrolment_pk: int) -> Enrolment:
    """One enrolment of a student ``user`` manages (``managed_student``)."""
    return get_object_or_404(Enrolment.objects.select_related("semester__formation", "semester__academic_year"),
                             pk=enrolment_pk, student=managed_student(user, pk))
