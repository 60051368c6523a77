"""The demo database: formation but-mmi-dijon, three academic years of apprentices (BUT1–BUT3 in
2023-2024, with their history), realistic grades drawn from a seeded random generator, past juries
deliberated by the engine and closed, and one account per role.

Deterministic: the same seed gives the same students, grades and decisions. Idempotent: a database that
already holds the demo is left as it is (``reset_database`` starts over).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from delibe.engine.model import Formation
from delibe.web.models import (
    AcademicYear,
    ApprenticeContract,
    Department,
    Enrolment,
    Evaluation,
    FormationVersion,
    Grade,
    JuryDecision,
    Membership,
    Role,
    SemesterRun,
    Student,
    TeachingAssignment,
)
from delibe.web.services.formations import formation_model, load_formation_file

SEED = 20231
DEPARTMENT = ("mmi-dijon", "MMI — IUT Dijon-Auxerre")
FORMATION = "but-mmi-dijon"
PARCOURS = "Créa"
YEARS = ("2021-2022", "2022-2023", "2023-2024")
CURRENT = "2023-2024"
# new BUT1 students each year (the 2021 cohort is BUT3 in 2023-2024)
INTAKE = {"2021-2022": 18, "2022-2023": 20, "2023-2024": 22}

FIRST_NAMES = (
    "Camille", "Léa", "Hugo", "Manon", "Lucas", "Chloé", "Nathan", "Emma", "Louis", "Inès", "Jules", "Sarah",
    "Théo", "Jade", "Enzo", "Zoé", "Tom", "Lina", "Maël", "Alice", "Noah", "Clara", "Arthur", "Louise",
    "Gabriel", "Anaïs", "Raphaël", "Mathilde", "Sacha", "Eva", "Paul", "Romane", "Yanis", "Océane",
)
LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
    "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
    "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre", "Faure", "André",
    "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Perrin",
)
EMPLOYERS = (
    "Agence Pixel Bourgogne", "Studio Graphique du Morvan", "Dijon Métropole", "Crédit Agricole Champagne-Bourgogne",
    "SNCF Connect", "Maison de l'image", "Groupe SEB", "Urgo Healthcare", "Agence Tilt", "Radio Campus Dijon",
)
EVALUATION_KINDS = (("Contrôle", 1.0), ("Projet", 2.0))


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    description: str


@dataclass
class DemoReport:
    accounts: list[Account] = field(default_factory=list)
    summary: str = ""


ACCOUNTS = (
    Account("admin", "admin-demo", "administrateur (tous les départements)"),
    Account("scolarite", "scolarite-demo", "scolarité du département MMI"),
    Account("responsable", "responsable-demo", "responsable de formation MMI"),
    Account("enseignant", "enseignant-demo", "enseignant (R1.01, R1.02, R3.01, R3.02, R5-01, R5-02 en 2023-2024)"),
    Account("president", "president-demo", "président de jury MMI"),
    Account("etudiant", "etudiant-demo", "étudiant de BUT2 en 2023-2024 (voit ses seuls résultats)"),
    Account("autre", "autre-demo", "scolarité d'un autre département (GEII) : ne voit rien de MMI"),
)


def reset_database() -> None:
    """Starts over: removes the SQLite file, or empties every table of another database."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        connection.close()
        from pathlib import Path

        path = Path(database["NAME"])
        if path.exists():
            path.unlink()
    else:
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


def _year_dates(label: str) -> tuple[dt.date, dt.date]:
    start = int(label[:4])
    return dt.date(start, 9, 1), dt.date(start + 1, 7, 15)


def _semester_dates(label: str, semestre: int) -> tuple[dt.date, dt.date]:
    start = int(label[:4])
    if semestre % 2:
        return dt.date(start, 9, 1), dt.date(start + 1, 1, 20)
    return dt.date(start + 1, 1, 22), dt.date(start + 1, 6, 30)


@dataclass
class _Profile:
    student: Student
    mu: float
    competence_offsets: dict[str, float]
    annee: int = 1
    redoublant: bool = False
    done: bool = False
    attempts: dict[int, int] = field(default_factory=dict)


def ensure_demo(echo: Callable[[str], None] = print) -> DemoReport:
    report = DemoReport(list(ACCOUNTS))
    if Department.objects.filter(code=DEPARTMENT[0]).exists() and Student.objects.exists():
        report.summary = "Base de démonstration déjà prête (utilisez --reset pour tout recréer)."
        return report
    import time

    started = time.perf_counter()
    with transaction.atomic():
        _build(echo)
    report.summary = (
        f"Base de démonstration prête en {time.perf_counter() - started:.1f} s : "
        f"{Student.objects.count()} étudiants, {Evaluation.objects.count()} évaluations, "
        f"{Grade.objects.count()} notes, {JuryDecision.objects.count()} décisions de jury."
    )
    return report


def _build(echo: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    department = Department.objects.create(code=DEPARTMENT[0], nom=DEPARTMENT[1])
    Department.objects.create(code="geii-auxerre", nom="GEII — IUT Dijon-Auxerre (site d'Auxerre)")
    version = load_formation_file(department, FORMATION)
    formation = formation_model(version)
    echo(f"Formation chargée : {version.titre} (version {version.version}).")
    years = {}
    for label in YEARS:
        debut, fin = _year_dates(label)
        years[label] = AcademicYear.objects.create(label=label, debut=debut, fin=fin)
    users = _accounts(department)

    profiles: list[_Profile] = []
    nip = 22100000
    for label in YEARS:
        # newcomers
        for _ in range(INTAKE[label]):
            nip += rng.randint(1, 37)
            profiles.append(_new_student(rng, department, version, nip, label, formation))
        active = [p for p in profiles if not p.done]
        runs = _runs(version, years[label], formation, {p.annee for p in active})
        for p in active:
            for semestre in (2 * p.annee - 1, 2 * p.annee):
                Enrolment.objects.create(
                    student=p.student, semester=runs[semestre], parcours=PARCOURS,
                    groupe=f"{'AB'[p.student.pk % 2]}{p.annee}", redoublant=p.redoublant,
                )
        for semestre, run in runs.items():
            _evaluations_and_grades(rng, run, formation, [p for p in active if semestre in (2 * p.annee - 1, 2 * p.annee)],
                                    current=label == CURRENT, teacher=users["enseignant"])
        if label != CURRENT:
            _deliberate_and_close(runs, users["president"], active)
        echo(f"{label} : {len(active)} étudiants inscrits.")
    # the student account: a BUT2 student of the current year with a history
    current_but2 = Enrolment.objects.filter(semester__academic_year__label=CURRENT, semester__semestre=4,
                                            redoublant=False).select_related("student").order_by("student__nip")
    chosen = current_but2.first()
    if chosen is not None:
        chosen.student.user = users["etudiant"]
        chosen.student.save(update_fields=["user"])
        users["etudiant"].first_name, users["etudiant"].last_name = chosen.student.prenom, chosen.student.nom
        users["etudiant"].save()


def _accounts(department: Department) -> dict[str, object]:
    User = get_user_model()
    users: dict[str, object] = {}
    other = Department.objects.get(code="geii-auxerre")
    roles = {
        "admin": (Role.ADMIN, None), "scolarite": (Role.SCOLARITE, department),
        "responsable": (Role.RESPONSABLE, department), "enseignant": (Role.ENSEIGNANT, department),
        "president": (Role.PRESIDENT, department), "etudiant": (None, None), "autre": (Role.SCOLARITE, other),
    }
    names = {
        "admin": ("Alex", "Admin"), "scolarite": ("Sophie", "Scolarité"), "responsable": ("Rémi", "Responsable"),
        "enseignant": ("Élise", "Enseignante"), "president": ("Pierre", "Président"), "etudiant": ("", ""),
        "autre": ("Octave", "Autre"),
    }
    for account in ACCOUNTS:
        user = User.objects.create_user(
            account.username, password=account.password, first_name=names[account.username][0],
            last_name=names[account.username][1], is_superuser=account.username == "admin",
            is_staff=account.username == "admin",
        )
        role, dept = roles[account.username]
        if role is not None:
            Membership.objects.create(user=user, department=dept, role=role)
        users[account.username] = user
    return users


def _new_student(rng: random.Random, department: Department, version: FormationVersion, nip: int, label: str,
                 formation: Formation) -> _Profile:
    prenom = rng.choice(FIRST_NAMES)
    nom = rng.choice(LAST_NAMES)
    start = int(label[:4])
    student = Student.objects.create(
        department=department, formation=version, parcours=PARCOURS, nip=str(nip),
        ine=f"{rng.randint(100000000, 999999999)}{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}",
        nom=nom, prenom=prenom, date_naissance=dt.date(start - 18 - rng.choice((0, 0, 0, 1, 2)), rng.randint(1, 12),
                                                        rng.randint(1, 28)),
        email=f"{prenom}.{nom}{nip % 1000}@etu.u-bourgogne.fr".lower().replace(" ", ""),
    )
    ApprenticeContract.objects.create(
        student=student, employeur=rng.choice(EMPLOYERS), tuteur=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        debut=dt.date(start, 9, 1), fin=dt.date(start + 3, 8, 31),
    )
    # a spread of profiles: most pass, some struggle in one competence (compensation), a few fail
    kind = rng.random()
    mu = rng.gauss(13.0, 1.6) if kind > 0.22 else rng.gauss(9.0, 1.0)
    offsets = {c.nom_court: rng.gauss(0, 1.8) for c in formation.referentiel.competences}
    return _Profile(student, mu, offsets)


def _runs(version: FormationVersion, year: AcademicYear, formation: Formation, annees: set[int]) -> dict[int, SemesterRun]:
    runs = {}
    for annee in sorted(annees):
        for semestre in (2 * annee - 1, 2 * annee):
            debut, fin = _semester_dates(year.label, semestre)
            runs[semestre] = SemesterRun.objects.create(
                formation=version, semestre=semestre, academic_year=year, debut=debut, fin=fin,
                modalite=str(formation.modalite), groupes=[f"A{annee}", f"B{annee}"],
            )
    return runs


def _grade(rng: random.Random, mu: float, note_max: float) -> Decimal:
    raw = min(20.0, max(0.0, rng.gauss(mu, 2.8)))
    scaled = round(raw * note_max / 20 * 4) / 4
    return Decimal(str(scaled)).quantize(Decimal("0.01"))


def _evaluations_and_grades(rng: random.Random, run: SemesterRun, formation: Formation, profiles: list[_Profile],
                            *, current: bool, teacher: object) -> None:
    modules = formation.modules_of(run.semestre, PARCOURS)
    ue_competence = {u.code: u.competence for u in formation.ues_of(run.semestre, PARCOURS)}
    assert run.debut and run.fin
    span = (run.fin - run.debut).days
    evaluations: list[tuple[Evaluation, str]] = []
    for index, module in enumerate(modules):
        main_ue = max(module.coefficients.items(), key=lambda kv: kv[1])[0] if module.coefficients else ""
        for k, (kind, coef) in enumerate(EVALUATION_KINDS):
            note_max = 20.0 if kind == "Projet" or index % 5 else 10.0
            evaluation = Evaluation.objects.create(
                semester=run, module_code=module.code, titre=f"{kind} — {module.titre}"[:200],
                date=run.debut + dt.timedelta(days=int(span * (0.35 + 0.5 * k)) + index % 7),
                coefficient=coef, note_max=note_max, type="normale",
            )
            evaluations.append((evaluation, ue_competence.get(main_ue, "")))
    if current and run.semestre in (1, 3, 5):
        codes = [m.code for m in modules][:2]
        for code in codes:
            TeachingAssignment.objects.get_or_create(user=teacher, semester=run, module_code=code)
    grades = []
    for p in profiles:
        # a repeater works harder the second time
        mu = p.mu + (2.2 if p.redoublant else 0)
        for position, (evaluation, competence) in enumerate(evaluations):
            # in the current year, the even semester is under way: its last evaluations are not graded yet
            if current and run.semestre % 2 == 0 and position % 2 == 1:
                continue
            roll = rng.random()
            if roll < 0.012:
                grades.append(Grade(evaluation=evaluation, student=p.student, special="ABS"))
            elif roll < 0.02:
                grades.append(Grade(evaluation=evaluation, student=p.student, special="EXC"))
            elif current and roll < 0.024:
                grades.append(Grade(evaluation=evaluation, student=p.student, special="ATT"))
            else:
                value = _grade(rng, mu + p.competence_offsets.get(competence, 0), evaluation.note_max)
                grades.append(Grade(evaluation=evaluation, student=p.student, value=value))
    Grade.objects.bulk_create(grades, batch_size=2000)


def _deliberate_and_close(runs: dict[int, SemesterRun], president: object, profiles: list[_Profile]) -> None:
    """Past years: the engine's proposals become the jury's decisions, the jury is closed, and each
    student's next year follows from the year code."""
    from delibe.web.services.jury import lock_jury

    for semestre in sorted(runs):
        if semestre % 2 == 0:
            lock_jury(user=president, run=runs[semestre])
    codes = dict(
        JuryDecision.objects.filter(
            level="annee", academic_year=runs[min(runs)].academic_year,
            student_id__in=[p.student.pk for p in profiles],
        ).values_list("student_id", "decided_code")
    )
    for p in profiles:
        code = codes.get(p.student.pk)
        p.attempts[p.annee] = p.attempts.get(p.annee, 0) + 1
        if code in ("ADM", "ADJ", "PASD", "PAS1NCI"):
            if p.annee == 3:
                p.done = True
            p.annee += 1
            p.redoublant = False
        elif code == "RED" and p.attempts[p.annee] < 2:
            p.redoublant = True
        else:
            p.done = True
            p.student.status = "DEF" if code is None else p.student.status
            p.student.save(update_fields=["status"])
