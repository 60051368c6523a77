"""Read-only views of attendance for the pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from delibe.collation import student_key
from delibe.web.assiduite import services
from delibe.web.assiduite.models import JustificationRecord
from delibe.web.models import SemesterRun, Student


@dataclass(frozen=True)
class ResumeModule:
    module: str
    justifiees: int
    non_justifiees: int
    retards: int


@dataclass(frozen=True)
class EffetEtudiant:
    """One effect of the department's attendance rules on one of the student's UEs."""

    semestre: str  # « S1 2023-2024 »
    ue: str
    effet: str  # « pénalité » or « ATJ proposé »
    texte: str
    source: str


@dataclass(frozen=True)
class Resume:
    modules: list[ResumeModule]
    totaux: services.Totaux
    justificatifs: list[JustificationRecord]
    effets: list[EffetEtudiant] = field(default_factory=list)


def student_summary(student: Student) -> Resume:
    per_module = services.decomptes([student]).get(str(student.pk), {})
    modules = [ResumeModule(m or "—", d.justifiees, d.non_justifiees, d.retards)
               for m, d in sorted(per_module.items(), key=lambda kv: kv[0] or "")]
    return Resume(modules, services.totaux(per_module),
                  list(JustificationRecord.objects.filter(student=student).order_by("-debut")),
                  student_effects(student))


def student_effects(student: Student) -> list[EffetEtudiant]:
    """The effects of the attendance rules on the student's UEs, semester by semester (none when the
    department has no rule on, the default)."""
    runs = list(SemesterRun.objects.filter(enrolments__student=student).select_related("formation", "academic_year"))
    effects = services.attendance_effects(runs, [student.pk])
    out = []
    for run in sorted(runs, key=lambda r: (r.academic_year.label, r.semestre)):
        for e in effects.get(run.pk, {}).get(student.pk, []):
            kind = "ATJ proposé" if type(e).__name__ == "ProposeATJ" else "pénalité"
            out.append(EffetEtudiant(f"S{run.semestre} {run.academic_year.label}", e.ue, kind, e.reason.text,
                                     e.reason.source.reference))
    return out


@dataclass(frozen=True)
class PropositionJury:
    student: Student
    ue: str
    effet: str  # « ATJ proposé » or « pénalité »
    texte: str
    source: str


def jury_proposals(run: SemesterRun) -> list[PropositionJury]:
    """The effects of the department's attendance rules, with their source (empty when none is on)."""
    # The effects the averages and the jury use (remembered: the jury table just read them).
    effects = services.attendance_effects([run]).get(run.pk, {})
    # only the students the rules touch (a handful), not the whole semester's
    students = Student.objects.in_bulk(list(effects))
    out = []
    for sid, effets in effects.items():
        for e in effets:
            kind = "ATJ proposé" if type(e).__name__ == "ProposeATJ" else "pénalité"
            out.append(PropositionJury(students[sid], e.ue, kind, e.reason.text, e.reason.source.reference))
    return sorted(out, key=lambda p: (student_key(p.student), p.ue))


def bulletin_absences(student: Student, semester: SemesterRun):
    """``BulletinData.absences`` of one student in one semester (for whatever builds bulletins from the DB)."""
    from delibe.reports.data import Absences

    t = services.totaux(services.decomptes([student], semester=semester).get(str(student.pk), {}))
    return Absences(justifiees=t.justifiees, injustifiees=t.non_justifiees)
