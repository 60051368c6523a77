"""Attendance services: recording, import, justification validation, local rules, monthly reports.
Justified/unjustified is always computed by the engine from the validated justifications."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from delibe.collation import student_key, text_key
from delibe.engine import assiduite as engine
from delibe.imports import absences as absences_file
from delibe.web import permissions
from delibe.web.assiduite.models import (
    AbsenceRecord,
    JustificationRecord,
    JustificationStatus,
    Nature,
    ReglementConfig,
)
from delibe.web.audit import locking
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import Enrolment, Groupe, Role, SemesterRun, Student

SECRETARIAT = frozenset({Role.SCOLARITE, Role.RESPONSABLE})


# --- engine conversion -------------------------------------------------------------------------------

# The columns read for the engine, as values (a semester holds thousands of rows): one conversion each.
ABSENCE_FIELDS = ("student_id", "date", "creneau", "module_code", "nature")
JUSTIFICATION_FIELDS = ("student_id", "debut", "fin", "motif", "statut", "creneau_debut", "creneau_fin")


def _iso(day: dt.date | str) -> str:
    """A date as the engine takes it; a row read without Django's converters (SQLite) already holds it."""
    return day if isinstance(day, str) else day.isoformat()


def engine_absence(student_id: int, date: dt.date | str, creneau: str, module_code: str, nature: str
                   ) -> engine.Absence:
    return engine.Absence(str(student_id), _iso(date), creneau, module_code or None, engine.Nature(nature))


def engine_justification(student_id: int, debut: dt.date | str, fin: dt.date | str, motif: str, statut: str,
                         creneau_debut: str, creneau_fin: str) -> engine.Justification:
    return engine.Justification(str(student_id), _iso(debut), _iso(fin), motif,
                                validee=statut == JustificationStatus.VALIDEE,
                                creneau_debut=creneau_debut or None, creneau_fin=creneau_fin or None)


def to_engine_absence(a: AbsenceRecord) -> engine.Absence:
    return engine_absence(*(getattr(a, name) for name in ABSENCE_FIELDS))


def to_engine_justification(j: JustificationRecord) -> engine.Justification:
    return engine_justification(*(getattr(j, name) for name in JUSTIFICATION_FIELDS))


# --- time slots and holidays (issue 18) --------------------------------------------------------------

HALF_DAYS: tuple[tuple[str, str], ...] = tuple((c.value, engine.LIBELLES_DEMI_JOURNEES[c])
                                               for c in engine.DEMI_JOURNEES)


def slots_of(config: ReglementConfig | None) -> tuple[tuple[str, str], ...]:
    """(code, label) of the slots a rules row declares: its hours, else the morning and the afternoon."""
    if config is None or not config.creneaux.strip():
        return HALF_DAYS
    plages, _errors = engine.lire_creneaux(config.creneaux)
    return tuple((p.code, p.libelle) for p in plages) or HALF_DAYS


class SlotCalendar:
    """The slots of a department, day by day (its dated rows read once: an import of a whole semester
    asks for hundreds of days)."""

    def __init__(self, department_id: int) -> None:
        self.rows = list(ReglementConfig.objects.filter(department_id=department_id).order_by("applies_from"))
        self._slots = {row.pk: slots_of(row) for row in self.rows}
        self._days: dict[dt.date, tuple[tuple[str, str], ...]] = {}

    def at(self, day: dt.date) -> tuple[tuple[str, str], ...]:
        if day not in self._days:
            row = None
            for candidate in self.rows:
                if candidate.applies_from <= day:
                    row = candidate
            self._days[day] = self._slots[row.pk] if row is not None else HALF_DAYS
        return self._days[day]


def slots_at(department_id: int, day: dt.date | None = None) -> tuple[tuple[str, str], ...]:
    return slots_of(rules_row_at(department_id, day))


def holidays_of(department_id: int, day: dt.date | None = None) -> tuple:
    """The school holidays the department declared (row in force on ``day``, today by default)."""
    from delibe.calendrier import lire_vacances

    config = rules_row_at(department_id, day)
    return lire_vacances(config.vacances)[0] if config is not None else ()


def decomptes(students: Iterable[Student], *, semester: SemesterRun | None = None,
              debut: dt.date | None = None, fin: dt.date | None = None) -> dict[str, dict[str | None, engine.Decompte]]:
    # A queryset stays a subquery; the rows are read as values (a semester: thousands of absences).
    ids = students.values("pk") if isinstance(students, QuerySet) else [s.pk for s in students]
    absences = AbsenceRecord.objects.filter(student_id__in=ids)
    if semester is not None:
        absences = absences.filter(semester=semester)
    if debut is not None:
        absences = absences.filter(date__gte=debut)
    if fin is not None:
        absences = absences.filter(date__lte=fin)
    justifications = JustificationRecord.objects.filter(student_id__in=ids)
    return engine.count_absences(
        [engine_absence(*row) for row in absences.values_list(*ABSENCE_FIELDS)],
        [engine_justification(*row) for row in justifications.values_list(*JUSTIFICATION_FIELDS)],
    )


@dataclass(frozen=True)
class Totaux:
    justifiees: int
    non_justifiees: int
    retards: int


def totaux(per_module: dict[str | None, engine.Decompte]) -> Totaux:
    return Totaux(sum(d.justifiees for d in per_module.values()),
                  sum(d.non_justifiees for d in per_module.values()),
                  sum(d.retards for d in per_module.values()))


# --- local rules -------------------------------------------------------------------------------------

def rules_row_at(department_id: int, on: dt.date | None = None) -> ReglementConfig | None:
    """The rules row in force on ``on`` (today by default); None before the first row (no rule then: a
    rule adopted later never changes a closed jury's averages)."""
    return (ReglementConfig.objects.filter(department_id=department_id, applies_from__lte=on or timezone.localdate())
            .order_by("-applies_from").first())


def reglement_for(department_id: int, on: dt.date | None = None) -> engine.ReglementAssiduite:
    """The department's declared rules in force on ``on`` (today by default) as an engine
    ``ReglementAssiduite`` (no rule when none declared)."""
    config = rules_row_at(department_id, on)
    if config is None:
        return engine.AUCUNE_REGLE
    reference = config.reference
    if config.date_reglement:
        reference = f"{reference} (adopté le {config.date_reglement:%d/%m/%Y})"
    return engine.ReglementAssiduite.declare(
        reference, seuil_atj=config.seuil_atj if config.seuil_atj_actif else None,
        penalite=(config.penalite_points, config.penalite_franchise, config.penalite_plafond)
        if config.penalite_active else None)


RULE_FIELDS = ("reference", "date_reglement", "seuil_atj_actif", "seuil_atj", "penalite_active", "penalite_points",
               "penalite_franchise", "penalite_plafond", "creneaux", "vacances")


def _normalise_calendar(config: ReglementConfig) -> None:
    """Slots and holidays read, refused with the line at fault, and kept in one written form."""
    from delibe.calendrier import lire_vacances

    plages, errors = engine.lire_creneaux(config.creneaux)
    if errors:
        raise ValidationError({"creneaux": errors})
    config.creneaux = "\n".join(p.code for p in plages)
    periodes, errors = lire_vacances(config.vacances)
    if errors:
        raise ValidationError({"vacances": errors})
    config.vacances = "\n".join(p.texte for p in periodes)


def _rule_state(config: ReglementConfig | None) -> dict[str, object] | None:
    if config is None or config.pk is None:
        return None
    state = {name: getattr(config, name) for name in RULE_FIELDS}
    state["applique_a_partir_du"] = config.applies_from.isoformat()
    state["date_reglement"] = config.date_reglement.isoformat() if config.date_reglement else None
    # in words for the journal: « 8 h – 10 h, 10 h – 12 h » (none: the half-days)
    state["creneaux"] = [label for _code, label in slots_of(config)] if config.creneaux else []
    state["vacances"] = config.vacances.splitlines()
    return state


@transaction.atomic
def save_attendance_rules(*, actor: object, department_id: int, values: dict[str, object],
                          applies_from: dt.date | None = None) -> ReglementConfig:
    """The department's local attendance rules in force from ``applies_from`` (today by default; issue 13,
    item 7: on the settings page), checked by the model (a rule on cites its règlement) and journalled
    old → new. A date on or before a closed jury of the department is refused: its averages keep the
    rules of its date."""
    from delibe.web.audit import services as audit
    from delibe.web.audit.models import Action, ObjectType

    if not permissions.can_edit_department_settings(actor, department_id):
        raise PermissionDenied("Seuls la scolarité du département et l'administrateur modifient ses règles "
                               "d'assiduité.")
    unknown = sorted(set(values) - set(RULE_FIELDS))
    if unknown:
        raise ValidationError(f"Champ(s) inconnu(s) : {', '.join(unknown)}.")
    from delibe.web.models import Department
    from delibe.web.services.department_settings import last_jury_date

    applies_from = applies_from or timezone.localdate()
    closed = last_jury_date(Department.objects.get(pk=department_id))
    if closed is not None and applies_from <= closed:
        raise ValidationError({"applies_from": f"En vigueur à partir du {applies_from:%d/%m/%Y} : un jury du "
                                               f"département a été clos le {closed:%d/%m/%Y} avec les règles "
                                               "d'alors ; choisissez une date postérieure."})
    config = ReglementConfig.objects.select_for_update().filter(department_id=department_id,
                                                                applies_from=applies_from).first()
    before = _rule_state(config)
    if config is None:
        base = rules_row_at(department_id, applies_from)
        config = ReglementConfig(department_id=department_id, applies_from=applies_from)
        if base is not None:
            for name in RULE_FIELDS:
                setattr(config, name, getattr(base, name))
    for name, value in values.items():
        setattr(config, name, value)
    _normalise_calendar(config)
    config.full_clean()
    if config.penalite_points < 0 or config.penalite_plafond < 0 or config.penalite_points > 20 \
            or config.penalite_plafond > 20:
        raise ValidationError({"penalite_points": "Les points et le plafond de pénalité vont de 0 à 20."})
    config.save()
    after = _rule_state(config)
    if after != before:
        audit.record(user=actor, action=Action.UPDATE if before else Action.CREATE, object_type=ObjectType.SETTINGS,
                     object_id=f"assiduite:{department_id}", old=before, new=after, department_id=department_id,
                     summary=f"Règles d'assiduité du département en vigueur au {applies_from:%d/%m/%Y}")
    return config


def reglement_for_run(run: SemesterRun) -> engine.ReglementAssiduite:
    """The rules a semester's averages use: those in force at its jury's date once closed, today's
    otherwise (the date the department settings use, ``selectors.department_settings.settings_date``)."""
    if not ReglementConfig.objects.filter(department_id=run.formation.department_id).exists():
        return engine.AUCUNE_REGLE
    from delibe.web.selectors.department_settings import settings_date

    return reglement_for(run.formation.department_id, settings_date(run))


def attendance_effects(runs: Iterable[SemesterRun], student_ids: Iterable[int] | None = None
                       ) -> dict[int, dict[int, list[engine.Effet]]]:
    """Per run id, per student id: the effects of the department's attendance rules in that run (the
    averages and the jury proposals of ``services.calcul`` apply them), with the rules in force at each
    run's jury date (``reglement_for_run``). Within ``services.calcul.one_reading`` (a GET request), each
    run's effects are read once."""
    from delibe.web.services.calcul import reading

    runs = list(runs)
    read = reading("attendance") if student_ids is None else None
    if read is None:
        return _attendance_effects(runs, student_ids)
    missing = [r for r in runs if r.pk not in read]
    if missing:
        found = _attendance_effects(missing)
        read.update({r.pk: found.get(r.pk, {}) for r in missing})
    return {r.pk: dict(read[r.pk]) for r in runs if read[r.pk]}


def _attendance_effects(runs: list[SemesterRun], student_ids: Iterable[int] | None = None
                        ) -> dict[int, dict[int, list[engine.Effet]]]:
    """``attendance_effects`` read from the database: one query, none of the absence tables, when no
    department of these runs declares rules (the default)."""
    from delibe.web.services.calcul import raw_rows
    from delibe.web.services.formations import formation_model

    declared = set(ReglementConfig.objects.filter(department_id__in={r.formation.department_id for r in runs})
                   .values_list("department_id", flat=True))
    reglements: dict[int, engine.ReglementAssiduite] = {
        r.pk: reglement_for_run(r) for r in runs if r.formation.department_id in declared}
    active = [r for r in runs if r.pk in reglements and reglements[r.pk].regles]
    if not active:
        return {}
    ids = set(student_ids) if student_ids is not None else None
    absences = AbsenceRecord.objects.filter(semester_id__in=[r.pk for r in active])
    if ids is not None:
        absences = absences.filter(student_id__in=ids)
    absent = absences.values("student_id")  # whose justifications count
    absences = absences.values_list("semester_id", *ABSENCE_FIELDS).order_by("pk")
    # The effects are remembered under their whole input — the absences and justifications read as they
    # are stored, the rules and the formations — so that a page read again (the jury table after each
    # decision) does not count every absence of a year again; any change of a row changes the key.
    absence_rows = raw_rows(absences)
    if not absence_rows:
        return {}
    # the students with an absence, as a subquery rather than a list of 600 ids (10 → 5 ms on PostgreSQL)
    justification_rows = raw_rows(JustificationRecord.objects.filter(student_id__in=absent).order_by("pk")
                                   .values_list("pk", *JUSTIFICATION_FIELDS))
    key = (tuple((r.pk, r.semestre, r.formation.sha256, reglements[r.pk]) for r in active),
           tuple(absence_rows), tuple(justification_rows))  # compared whole: no digest to collide
    if (remembered := _effects_cache.get(key)) is not None:
        _effects_cache.move_to_end(key)
        return {run_id: dict(per_student) for run_id, per_student in remembered.items()}
    by_run: dict[int, list[engine.Absence]] = {r.pk: [] for r in active}
    for run_id, *row in absence_rows:
        by_run[run_id].append(engine_absence(*row))
    justifications = [engine_justification(*row) for _, *row in justification_rows]
    out: dict[int, dict[int, list[engine.Effet]]] = {}
    for run in active:
        if not by_run[run.pk]:
            continue
        reglement = reglements[run.pk]
        modules = [m for m in formation_model(run.formation).modules if m.semestre == run.semestre]
        per_student = {}
        for sid, per_module in engine.count_absences(by_run[run.pk], justifications).items():
            effets = reglement.effets(per_module, modules)
            if effets:
                per_student[int(sid)] = effets
        if per_student:
            out[run.pk] = per_student
    _effects_cache[key] = out
    while len(_effects_cache) > EFFECTS_CACHE_SIZE:
        _effects_cache.popitem(last=False)
    return {run_id: dict(per_student) for run_id, per_student in out.items()}


EFFECTS_CACHE_SIZE = 16  # each entry holds its rows: a year of absences is about 1 MB
_effects_cache: OrderedDict[tuple[Any, ...], dict[int, dict[int, list[engine.Effet]]]] = OrderedDict()



# --- recording ---------------------------------------------------------------------------------------

def _module_codes(semester: SemesterRun) -> set[str]:
    from delibe.web.services.formations import formation_model

    return {m.code for m in formation_model(semester.formation).modules if m.semestre == semester.semestre}


def can_record(user, semester: SemesterRun, module_code: str) -> bool:
    if semester.locked:
        return False
    roles = permissions.roles_of(user)
    if roles.has(semester.formation.department_id, SECRETARIAT):
        return True
    return bool(module_code) and permissions.teaches(user, semester, module_code)


@transaction.atomic
def record_group(user, semester: SemesterRun, groupe: Groupe | None, date: dt.date, creneau: str, module_code: str,
                 absents: Iterable[int], retards: Iterable[int] = ()) -> int:
    """Save the roll call of one group for one slot at once: the listed students are absent (or late),
    the others present (any earlier record of this slot and module for this group is replaced)."""
    if not can_record(user, semester, module_code):
        raise PermissionDenied("Vous n'enseignez pas ce module dans ce semestre : l'appel est réservé à ses enseignants.")
    if semester.debut and semester.fin and not semester.debut <= date <= semester.fin:
        raise ValidationError(
            f"Le {date:%d/%m/%Y} est hors du semestre (du {semester.debut:%d/%m/%Y} au {semester.fin:%d/%m/%Y}) : "
            "choisissez une date du semestre."
        )
    if module_code and module_code not in _module_codes(semester):
        raise ValidationError(f"Module « {module_code[:20]} » inconnu dans ce semestre : choisissez-le dans la liste.")
    slots = slots_at(semester.formation.department_id, date)
    if creneau not in {code for code, _label in slots}:
        raise ValidationError(f"Créneau « {str(creneau)[:20]} » inconnu le {date:%d/%m/%Y} : choisissez l'un des créneaux du "
                              f"département ({', '.join(label for _code, label in slots)}).")
    enrolled = Enrolment.objects.filter(semester=semester)
    if groupe is not None:
        enrolled = enrolled.filter(group_memberships__groupe=groupe)
    group_ids = set(enrolled.values_list("student_id", flat=True))
    absents, retards = set(absents), set(retards)
    foreign = (absents | retards) - group_ids
    if foreign:
        raise ValidationError(f"Étudiant(s) {sorted(foreign)} hors du groupe {groupe.label if groupe else ''} : rechargez la liste du groupe.")
    rows = [AbsenceRecord(student_id=s, semester=semester, date=date, creneau=creneau, module_code=module_code,
                          nature=Nature.ABSENCE, recorded_by=user) for s in sorted(absents)]
    rows += [AbsenceRecord(student_id=s, semester=semester, date=date, creneau=creneau, module_code=module_code,
                           nature=Nature.RETARD, recorded_by=user) for s in sorted(retards - absents)]
    with transaction.atomic():
        if locking.semester_is_locked(semester.pk):  # again, in the transaction (a jury closing now)
            raise PermissionDenied("Le jury de ce semestre est clos : l'appel ne peut plus changer.")
        slot = AbsenceRecord.objects.filter(semester=semester, student_id__in=group_ids, date=date, creneau=creneau,
                                            module_code=module_code)
        before = sorted(slot.values_list("student_id", "nature"))
        slot.delete()
        AbsenceRecord.objects.bulk_create(rows)
        after = sorted((r.student_id, r.nature) for r in rows)
        if before != after:
            audit.record(
                user=user, action=Action.UPDATE if before else Action.CREATE, object_type=ObjectType.ABSENCE,
                object_id=f"appel/{semester.pk}/{date.isoformat()}/{creneau}/{module_code}",
                old=[list(x) for x in before] or None, new=[list(x) for x in after],
                department_id=semester.formation.department_id, semester_id=semester.pk,
                summary=f"Appel {module_code or '(sans module)'} du {date:%d/%m/%Y} ({engine.libelle_creneau(creneau)}) : "
                        f"{len(absents)} absence(s), {len(retards - absents)} retard(s)")
    return len(rows)


def lieu_of(semester: SemesterRun, groupe: str, date: dt.date) -> str:
    """Where the group is that week by the alternance calendar (the group's own, else the run's): « iut »,
    « entreprise », or "" when no calendar says."""
    from delibe.web.assiduite.models import AlternanceWeek

    lundi = date - dt.timedelta(days=date.weekday())
    weeks = {w.groupe: w.lieu for w in AlternanceWeek.objects.filter(semester=semester, lundi=lundi)}
    return weeks.get(groupe) or weeks.get("", "")


# --- CSV import --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportRow:
    student_id: int
    date: dt.date
    creneau: str
    module_code: str
    nature: str


def parse_absences_csv(text: str, semester: SemesterRun) -> tuple[list[ImportRow], list[str]]:
    """Rows and errors (French, with the line number) of an absences file for ``semester``: the
    semester's enrolments, modules, slots and dates read here, the file by ``imports.absences``."""
    enrolled = dict(Enrolment.objects.filter(semester=semester).values_list("student__nip", "student_id"))
    modules = _module_codes(semester)
    calendar = SlotCalendar(semester.formation.department_id)
    lines, errors = absences_file.parse_absences_csv(
        text, enrolled=enrolled, modules=modules, slots_at=calendar.at, debut=semester.debut, fin=semester.fin)
    return [ImportRow(enrolled[r.nip], r.date, r.creneau, r.module_code, r.nature) for r in lines], errors


def import_absences(user, semester: SemesterRun, text: str) -> int:
    """All or nothing: any error → nothing written, ValidationError listing every error.

    The file is read and checked before the transaction opens, and the new rows are written with a few
    bulk inserts: the database's write lock is held for a second or two, not for the whole file, so that
    teachers saving grades meanwhile wait briefly instead of failing (SQLite has one writer at a time)."""
    if not permissions.roles_of(user).has(semester.formation.department_id, SECRETARIAT) or semester.locked:
        raise PermissionDenied("L'import des absences est réservé à la scolarité, semestre non verrouillé.")
    rows, errors = parse_absences_csv(text, semester)
    if errors:
        raise ValidationError(errors)
    if not rows:
        return 0
    wanted = {(r.student_id, r.date, r.creneau, r.module_code, r.nature): r for r in rows}
    first, last = min(r.date for r in rows), max(r.date for r in rows)
    with transaction.atomic():
        existing = set(AbsenceRecord.objects.filter(
            student_id__in={r.student_id for r in rows}, date__range=(first, last),
        ).values_list("student_id", "date", "creneau", "module_code", "nature"))
        new = [AbsenceRecord(student_id=r.student_id, semester=semester, date=r.date, creneau=r.creneau,
                             module_code=r.module_code, nature=r.nature, recorded_by=user)
               for key, r in wanted.items() if key not in existing]
        AbsenceRecord.objects.bulk_create(new, batch_size=2000)
        audit.record(user=user, action=Action.CREATE, object_type=ObjectType.ABSENCE,
                     object_id=f"import/{semester.pk}", new={"lignes": len(rows), "nouvelles": len(new)},
                     department_id=semester.formation.department_id, semester_id=semester.pk, channel="import",
                     summary=f"Import de {len(rows)} absence(s) ou retard(s), {len(new)} nouvelle(s)")
    return len(new)


# --- justifications ----------------------------------------------------------------------------------

def submit_justification(user, student: Student, debut: dt.date, fin: dt.date, motif: str, piece=None,
                         creneau_debut: str = "", creneau_fin: str = "") -> JustificationRecord:
    """The student for themself (status « soumise »), or the secretariat (validated at once). A slot
    (optional) narrows the first or the last day."""
    secretariat = permissions.roles_of(user).has(student.department_id, SECRETARIAT)
    if not secretariat and not permissions.is_self(user, student):
        raise PermissionDenied("Vous ne pouvez déposer un justificatif que pour vous-même.")
    j = JustificationRecord(student=student, debut=debut, fin=fin, motif=motif, submitted_by=user,
                            creneau_debut=creneau_debut or "", creneau_fin=creneau_fin or "")
    if piece is not None:
        from delibe.web.assiduite.models import validate_proof_content

        validate_proof_content(piece)  # by content: a renamed executable or page is refused
        j.piece = piece
    if secretariat:
        _refuse_locked_period(student, debut, fin)
        j.statut, j.validated_by, j.validated_at = JustificationStatus.VALIDEE, user, timezone.now()
    j.full_clean()
    with transaction.atomic():
        j.save()
        audit.record(user=user, action=Action.CREATE, object_type=ObjectType.JUSTIFICATION, object_id=j.pk,
                     new={"du": debut.isoformat(), "au": fin.isoformat(), "statut": j.statut,
                          **({"à partir du créneau": j.creneau_debut} if j.creneau_debut else {}),
                          **({"jusqu'au créneau": j.creneau_fin} if j.creneau_fin else {})},
                     department_id=student.department_id, student_id=student.pk,
                     summary=f"Justificatif du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} ({j.get_statut_display()})")
    return j


def _refuse_locked_period(student: Student, debut: dt.date, fin: dt.date) -> None:
    """A validated justification changes the averages of the semesters whose absences it covers: refused
    when one of them is locked by its jury (reopen it first, with a reason)."""
    locked = (AbsenceRecord.objects.filter(student=student, date__range=(debut, fin), semester__locked=True)
              .select_related("semester").first())
    if locked is not None:
        raise PermissionDenied(f"Ce justificatif couvre des absences de {locked.semester}, dont le jury est clos : "
                               "rouvrez d'abord le semestre (avec un motif).")


def decide_justification(user, justification: JustificationRecord, accept: bool) -> JustificationRecord:
    if not permissions.roles_of(user).has(justification.student.department_id, SECRETARIAT):
        raise PermissionDenied("Seule la scolarité valide les justificatifs.")
    if accept:
        _refuse_locked_period(justification.student, justification.debut, justification.fin)
    before = justification.statut
    justification.statut = JustificationStatus.VALIDEE if accept else JustificationStatus.REFUSEE
    justification.validated_by, justification.validated_at = user, timezone.now()
    with transaction.atomic():
        justification.save(update_fields=["statut", "validated_by", "validated_at"])
        audit.record(user=user, action=Action.UPDATE, object_type=ObjectType.JUSTIFICATION,
                     object_id=justification.pk, old={"statut": before}, new={"statut": justification.statut},
                     department_id=justification.student.department_id, student_id=justification.student_id,
                     summary=f"Justificatif du {justification.debut:%d/%m/%Y} au {justification.fin:%d/%m/%Y} "
                             f"{'validé' if accept else 'refusé'}")
    return justification


# --- apprentices' monthly reports --------------------------------------------------------------------

def monthly_reports(department_id: int, annee: int, mois: int, student_ids: Iterable[int] | None = None):
    """One ``RapportMensuel`` per employer of the department's apprentices whose contract covers the month
    (only the apprentices of ``student_ids`` when given: what one tutor or one CFA receives by e-mail)."""
    import calendar

    from delibe.reports.assiduite import ApprentiMois, LigneAbsence, RapportMensuel
    from delibe.web.models import ApprenticeContract

    debut = dt.date(annee, mois, 1)
    fin = dt.date(annee, mois, calendar.monthrange(annee, mois)[1])
    contracts = (ApprenticeContract.objects.select_related("student")
                 .filter(student__department_id=department_id, debut__lte=fin, fin__gte=debut)
                 .order_by("employeur"))
    if student_ids is not None:
        contracts = contracts.filter(student_id__in=list(student_ids))
    contracts = sorted(contracts, key=lambda c: (text_key(c.employeur), student_key(c.student)))
    by_employer: dict[str, list] = {}
    for c in contracts:
        by_employer.setdefault(c.employeur, []).append(c)
    reports = []
    for employeur, cs in by_employer.items():
        students = [c.student for c in cs]
        counts = decomptes(students, debut=debut, fin=fin)
        justifs = [to_engine_justification(j) for j in JustificationRecord.objects.filter(student__in=students)]
        apprentis = []
        for c in cs:
            t = totaux(counts.get(str(c.student_id), {}))
            lignes = tuple(
                LigneAbsence(a.date.isoformat(), engine.libelle_creneau(a.creneau), a.module_code, a.get_nature_display(),
                             engine.is_justified(to_engine_absence(a), justifs))
                for a in AbsenceRecord.objects.filter(student=c.student, date__gte=debut, date__lte=fin))
            iut, entreprise = alternance_weeks(c.student, debut, fin)
            apprentis.append(ApprentiMois(c.student.nip, c.student.nom, c.student.prenom, c.tuteur,
                                          f"du {c.debut:%d/%m/%Y} au {c.fin:%d/%m/%Y}", t.justifiees,
                                          t.non_justifiees, t.retards, lignes, iut, entreprise))
        reports.append(RapportMensuel(employeur, annee, mois, cs[0].student.department.nom, tuple(apprentis)))
    return reports


def alternance_weeks(student: Student, debut: dt.date, fin: dt.date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Mondays of the student's weeks at the IUT and at the employer between two dates: the calendar of
    the student's group in each semester run, else the run's calendar for every group."""
    from delibe.web.assiduite.models import AlternanceWeek, Lieu

    weeks: dict[dt.date, str] = {}
    for e in Enrolment.objects.filter(student=student).prefetch_related("group_memberships__groupe__partition"):
        rows = AlternanceWeek.objects.filter(semester_id=e.semester_id, lundi__gte=debut - dt.timedelta(days=6),
                                             lundi__lte=fin)
        names = {m.groupe.name for m in e.group_memberships.all()}
        own = [w for w in rows if w.groupe and w.groupe in names]
        for w in own or [w for w in rows if not w.groupe]:
            weeks[w.lundi] = w.lieu
    iut = tuple(d.isoformat() for d, lieu in sorted(weeks.items()) if lieu == Lieu.IUT)
    ent = tuple(d.isoformat() for d, lieu in sorted(weeks.items()) if lieu == Lieu.ENTREPRISE)
    return iut, ent
