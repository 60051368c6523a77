"""The demo database: formation but-mmi-dijon, three academic years of apprentices (BUT1–BUT3 in
2023-2024, with their history), realistic grades drawn from a seeded random generator, past juries
deliberated by the engine and closed, and one account per role.

The situations a jury meets are all there (tests/web/test_demo.py checks each one): ADM, CMP
(compensation in an RCUE), AJ, PASD, RED, NAR, repeaters keeping their capitalised UEs, ADSUP
(descending validation), pending grades (ATT: no proposal, results provisional), excused grades (EXC),
and attendance in 2023-2024: the alternance calendar, absences on the weeks at the IUT, justifications
(validated, pending, refused), and the department's local attendance rule — a *demonstration* rule,
labelled as such (domain.md §7: such rules are off by default; the GEII department keeps it off) —
which proposes ATJ and takes penalty points off some UE averages.

Deterministic: the same seed gives the same students, grades and decisions. Idempotent: a database that
already holds the demo is left as it is (``reset_database`` starts over).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from delibe.engine.jury.codes import PASSAGE
from delibe.engine.model import Formation
from delibe.web.assiduite.models import (
    AbsenceRecord,
    AlternanceWeek,
    JustificationRecord,
    JustificationStatus,
    Lieu,
    ReglementConfig,
)
from delibe.web.models import (
    AcademicYear,
    ApprenticeContract,
    Department,
    Enrolment,
    Evaluation,
    FormationVersion,
    Grade,
    Groupe,
    GroupMembership,
    JuryDecision,
    Membership,
    Role,
    SemesterRun,
    Student,
    TeachingAssignment,
)
from delibe.web.services.formations import formation_model, load_formation_file, store_formation_text
from delibe.web.services.groupes import DEFAULT_PARTITION, ensure_groupe

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
# The demonstration attendance rule of the MMI department (labelled as such everywhere it is shown).
DEMO_RULE = {
    "reference": "Règlement intérieur de l'IUT Dijon-Auxerre, art. 12 (assiduité) — règle locale de démonstration",
    "date_reglement": dt.date(2023, 7, 6),
    "seuil_atj_actif": True, "seuil_atj": 6,
    "penalite_active": True, "penalite_points": 0.25, "penalite_franchise": 2, "penalite_plafond": 1.0,
    # the school holidays of the demo year (zone A), skipped by the roll call's default date (issue 18)
    "vacances": "21/10/2023 05/11/2023 Toussaint\n23/12/2023 07/01/2024 Noël\n17/02/2024 03/03/2024 Hiver\n"
                "13/04/2024 28/04/2024 Printemps",
}
# GEII takes its roll calls by the hour (issue 18); MMI keeps the half-days, the default.
DEMO_HOURS = "08h00-10h00\n10h15-12h15\n13h30-15h30\n15h45-17h45"
JUSTIFICATION_MOTIFS = ("Arrêt maladie", "Rendez-vous médical", "Convocation à l'examen du permis de conduire",
                        "Obsèques d'un proche", "Journée d'appel (JDC)", "Panne de train (attestation SNCF)")


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
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):  # WAL mode (settings/base.py)
            if leftover.exists():
                leftover.unlink()
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
    contract: ApprenticeContract | None = None


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
        f"{Grade.objects.count()} notes, {JuryDecision.objects.count()} décisions de jury, "
        f"{AbsenceRecord.objects.count()} absences, {JustificationRecord.objects.count()} justificatifs."
    )
    return report


def _build(echo: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    department = Department.objects.create(code=DEPARTMENT[0], nom=DEPARTMENT[1])
    other = Department.objects.create(code="geii-auxerre", nom="GEII — IUT Dijon-Auxerre (site d'Auxerre)")
    version = load_formation_file(department, FORMATION)
    echo(f"Formation chargée : {version.titre} (version {version.version}).")
    years = _academic_years()
    users = _accounts(department)
    _department_years(rng, department, version, years, users, INTAKE, nip=22100000, echo=echo)
    echo("Assiduité 2023-2024 : calendrier d'alternance, absences, justificatifs, règle locale de démonstration.")
    ReglementConfig.objects.create(  # declared, off: what every department has by default
        department=other, reference="Règlement intérieur de l'IUT Dijon-Auxerre, art. 12 (assiduité)",
        date_reglement=dt.date(2023, 7, 6), creneaux=DEMO_HOURS,
    )


def _academic_years() -> dict[str, AcademicYear]:
    years = {}
    for label in YEARS:
        debut, fin = _year_dates(label)
        years[label], _ = AcademicYear.objects.get_or_create(label=label, defaults={"debut": debut, "fin": fin})
    return years


def _department_years(rng: random.Random, department: Department, version: FormationVersion,
                      years: dict[str, AcademicYear], users: dict[str, object], intake: dict[str, int], *, nip: int,
                      echo: Callable[[str], None], attendance_seed: int = SEED + 7) -> None:
    """Three academic years of one department: each year's newcomers, every active student enrolled in
    the two semesters of their year (bulk inserts), graded, the past years deliberated by the engine and
    closed (the next year follows from each student's year code), the student account given to a BUT2
    student of the current year, and the current year's attendance."""
    formation = formation_model(version)
    profiles: list[_Profile] = []
    current_runs: dict[int, SemesterRun] = {}
    for label in YEARS:
        # newcomers
        newcomers = []
        for _ in range(intake[label]):
            nip += rng.randint(1, 37)
            newcomers.append(_new_student(rng, department, version, nip, label, formation))
        Student.objects.bulk_create([p.student for p in newcomers], batch_size=2000)
        contracts = [p.contract for p in newcomers if p.contract is not None]
        for p in newcomers:
            if p.contract is not None:
                p.contract.student = p.student
        ApprenticeContract.objects.bulk_create(contracts, batch_size=2000)
        profiles.extend(newcomers)
        active = [p for p in profiles if not p.done]
        runs = _runs(version, years[label], formation, {p.annee for p in active})
        _enrol(runs, active)
        for semestre, run in runs.items():
            _evaluations_and_grades(rng, run, formation, [p for p in active if semestre in (2 * p.annee - 1, 2 * p.annee)],
                                    current=label == CURRENT, teacher=users["enseignant"])
        if label != CURRENT:
            _deliberate_and_close(runs, users["president"], active)
        else:
            current_runs = runs
        echo(f"{department.code} {label} : {len(active)} étudiants inscrits.")
    # the student account: a BUT2 student of the current year with a history
    current_but2 = Enrolment.objects.filter(semester__academic_year__label=CURRENT, semester__semestre=4,
                                            semester__formation=version,
                                            redoublant=False).select_related("student").order_by("student__nip")
    chosen = current_but2.first()
    if chosen is not None:
        chosen.student.user = users["etudiant"]
        chosen.student.save(update_fields=["user"])
        users["etudiant"].first_name, users["etudiant"].last_name = chosen.student.prenom, chosen.student.nom
        users["etudiant"].save()
    _attendance(current_runs, department, users, chosen.student if chosen is not None else None, seed=attendance_seed)


def _enrol(runs: dict[int, SemesterRun], active: list[_Profile]) -> None:
    """Every active student in the two semesters of their year, in group A or B (by student id), in bulk:
    the same rows, in the same order, as one ``place`` per enrolment."""
    enrolments = [
        Enrolment(student=p.student, semester=runs[semestre], parcours=PARCOURS, redoublant=p.redoublant)
        for p in active for semestre in (2 * p.annee - 1, 2 * p.annee)
    ]
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    groupes = {(g.partition.semester_id, g.name): g
               for g in Groupe.objects.filter(partition__semester__in=list(runs.values()),
                                              partition__name=DEFAULT_PARTITION).select_related("partition")}
    GroupMembership.objects.bulk_create([
        GroupMembership(enrolment=e, partition=g.partition, groupe=g)
        for e in enrolments
        for g in (groupes[(e.semester_id, f"{'AB'[e.student_id % 2]}{(e.semester.semestre + 1) // 2}")],)
    ], batch_size=2000)


# --- a whole university on one installation (issue 19, bench/universite.py) -----------------------------

UNIVERSITE_SEED = 19_2026
UNIVERSITE_DEPARTMENTS = (
    ("info", "Informatique"), ("geii", "Génie électrique et informatique industrielle"),
    ("gea", "Gestion des entreprises et des administrations"), ("tc", "Techniques de commercialisation"),
    ("mmi", "Métiers du multimédia et de l'internet"), ("gmp", "Génie mécanique et productique"),
    ("cj", "Carrières juridiques"), ("qlio", "Qualité, logistique industrielle et organisation"),
    ("rt", "Réseaux et télécommunications"), ("gcgp", "Génie chimique, génie des procédés"),
    ("mp", "Mesures physiques"), ("gb", "Génie biologique"), ("gim", "Génie industriel et maintenance"),
    ("hse", "Hygiène, sécurité, environnement"), ("infocom", "Information-communication"),
    ("lp", "Management de la logistique et des transports"), ("pec", "Packaging, emballage et conditionnement"),
    ("sd", "Science des données"), ("cs", "Carrières sociales"), ("mlt", "Métiers de la transition énergétique"),
)
UNIVERSITE_ROLES = ("scolarite", "responsable", "enseignant", "president", "etudiant")


def universite_username(role: str, index: int) -> str:
    """The accounts of department ``index`` of the university: ``scolarite-01``…, password ``<name>-demo``."""
    return f"{role}-{index + 1:02d}"


def universite_code(index: int) -> str:
    return f"u{index + 1:02d}-{UNIVERSITE_DEPARTMENTS[index % len(UNIVERSITE_DEPARTMENTS)][0]}"


def build_universite(departements: int = 20, etudiants: int = 600, grande_promo: int = 0,
                     echo: Callable[[str], None] = print) -> str:
    """``departements`` departments of ``etudiants`` students each (a third arriving each of the three
    years, the rest of the division in the current year), the same generator as the demo's department
    (grades, past juries deliberated by the engine and closed, attendance), one transaction per
    department. ``grande_promo``: the first department's newcomers of the current year (a big BUT1 year
    jury, e.g. 600). Accounts ``scolarite-01``, ``responsable-01``… (password ``<name>-demo``) and
    ``admin-universite``. Returns a one-line summary."""
    import time

    text = (Path(settings.DELIBE_FORMATIONS_DIR) / f"{FORMATION}.yaml").read_text(encoding="utf-8")
    started = time.perf_counter()
    User = get_user_model()
    if not User.objects.filter(username="admin-universite").exists():
        User.objects.create_user("admin-universite", password="admin-universite-demo", is_superuser=True,
                                 is_staff=True, email="admin-universite@demo.delibe.invalid")
    years = _academic_years()
    for index in range(departements):
        code = universite_code(index)
        if Department.objects.filter(code=code).exists():
            continue
        per_year = etudiants // 3
        intake = {YEARS[0]: per_year, YEARS[1]: per_year, YEARS[2]: etudiants - 2 * per_year}
        if index == 0 and grande_promo:
            intake[CURRENT] = grande_promo
        with transaction.atomic():
            name = UNIVERSITE_DEPARTMENTS[index % len(UNIVERSITE_DEPARTMENTS)][1]
            department = Department.objects.create(code=code, nom=f"{name} ({index + 1:02d})")
            slug = f"but-{code}"
            version = store_formation_text(department, slug, text.replace(f"id: {FORMATION}", f"id: {slug}", 1))
            users = _universite_accounts(department, index)
            _department_years(random.Random(UNIVERSITE_SEED + index), department, version, years, users, intake,
                              nip=40_000_000 + 100_000 * index, echo=echo, attendance_seed=UNIVERSITE_SEED + 1000 + index)
        echo(f"Département {code} prêt ({time.perf_counter() - started:.0f} s depuis le début).")
    return (f"Université prête en {time.perf_counter() - started:.1f} s : {Department.objects.count()} départements, "
            f"{Student.objects.count()} étudiants, {Enrolment.objects.count()} inscriptions, "
            f"{Grade.objects.count()} notes, {JuryDecision.objects.count()} décisions de jury, "
            f"{AbsenceRecord.objects.count()} absences.")


def _universite_accounts(department: Department, index: int) -> dict[str, object]:
    User = get_user_model()
    roles = {"scolarite": Role.SCOLARITE, "responsable": Role.RESPONSABLE, "enseignant": Role.ENSEIGNANT,
             "president": Role.PRESIDENT}
    users: dict[str, object] = {}
    for role in UNIVERSITE_ROLES:
        username = universite_username(role, index)
        users[role] = User.objects.create_user(username, password=f"{username}-demo",
                                               email=f"{username}@demo.delibe.invalid")
        if role in roles:
            Membership.objects.create(user=users[role], department=department, role=roles[role])
    return users


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
            email=f"{account.username}@demo.delibe.invalid",  # the demo mailbox shows what they receive
            is_staff=account.username == "admin",
        )
        role, dept = roles[account.username]
        if role is not None:
            Membership.objects.create(user=user, department=dept, role=role)
        users[account.username] = user
    return users


def _new_student(rng: random.Random, department: Department, version: FormationVersion, nip: int, label: str,
                 formation: Formation) -> _Profile:
    """A newcomer, not saved yet (the caller inserts the year's newcomers at once)."""
    prenom = rng.choice(FIRST_NAMES)
    nom = rng.choice(LAST_NAMES)
    start = int(label[:4])
    student = Student(
        department=department, formation=version, parcours=PARCOURS, nip=str(nip),
        ine=f"{rng.randint(100000000, 999999999)}{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}",
        nom=nom, prenom=prenom, date_naissance=dt.date(start - 18 - rng.choice((0, 0, 0, 1, 2)), rng.randint(1, 12),
                                                        rng.randint(1, 28)),
        email=f"{prenom}.{nom}{nip % 1000}@etu.u-bourgogne.fr".lower().replace(" ", ""),
    )
    employeur, tuteur = rng.choice(EMPLOYERS), f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    from delibe.reports.assiduite import _slug

    contract = ApprenticeContract(  # addresses that reach no one: the demo mailbox shows the reports
        employeur=employeur, tuteur=tuteur, debut=dt.date(start, 9, 1), fin=dt.date(start + 3, 8, 31),
        tuteur_email=f"{_slug(tuteur).replace('-', '.')}@{_slug(employeur)}.demo.delibe.invalid",
        cfa="CFA de démonstration", cfa_email="cfa@demo.delibe.invalid",
    )
    # a spread of profiles: most pass, some struggle in one competence (compensation), a few fail
    kind = rng.random()
    mu = rng.gauss(13.0, 1.6) if kind > 0.22 else rng.gauss(9.0, 1.0)
    offsets = {c.nom_court: rng.gauss(0, 1.8) for c in formation.referentiel.competences}
    return _Profile(student, mu, offsets, contract=contract)


def _runs(version: FormationVersion, year: AcademicYear, formation: Formation, annees: set[int]) -> dict[int, SemesterRun]:
    runs = {}
    for annee in sorted(annees):
        for semestre in (2 * annee - 1, 2 * annee):
            debut, fin = _semester_dates(year.label, semestre)
            runs[semestre] = SemesterRun.objects.create(
                formation=version, semestre=semestre, academic_year=year, debut=debut, fin=fin,
                modalite=str(formation.modalite),
            )
            for name in (f"A{annee}", f"B{annee}"):
                ensure_groupe(runs[semestre], DEFAULT_PARTITION, name)
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
    from delibe.web.selectors.cloture import jury_checklist
    from delibe.web.services.jury import lock_jury

    for semestre in sorted(runs):
        if semestre % 2 == 0:
            # the invented past years may leave a point of the checklist (an undecidable student): the
            # demo's président closes over it, with the reason written in the journal
            motifs = {item.key: "Démonstration : année passée close telle quelle"
                      for item in jury_checklist(runs[semestre]).items}
            lock_jury(user=president, run=runs[semestre], motifs=motifs)
    codes = dict(
        JuryDecision.objects.filter(
            level="annee", academic_year=runs[min(runs)].academic_year,
            student_id__in=[p.student.pk for p in profiles],
        ).values_list("student_id", "decided_code")
    )
    for p in profiles:
        code = codes.get(p.student.pk)
        p.attempts[p.annee] = p.attempts.get(p.annee, 0) + 1
        if code in PASSAGE:
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


# --- attendance (2023-2024) ------------------------------------------------------------------------

def _alternance(run: SemesterRun) -> list[tuple[dt.date, str]]:
    """Two weeks at the IUT, two weeks at the employer, from the run's first Monday."""
    assert run.debut and run.fin
    monday = run.debut - dt.timedelta(days=run.debut.weekday())
    weeks = []
    index = 0
    while monday <= run.fin:
        weeks.append((monday, Lieu.IUT if (index // 2) % 2 == 0 else Lieu.ENTREPRISE))
        monday += dt.timedelta(days=7)
        index += 1
    return weeks


def _attendance(runs: dict[int, SemesterRun], department: Department, users: dict[str, object],
                own: Student | None, *, seed: int = SEED + 7) -> None:
    """Absences on the weeks at the IUT of the current year (the even semester only up to its middle:
    it is under way), justifications, and the department's demonstration rule. A generator of its own,
    so that the grades and past juries stay what they were."""
    from delibe.web.services.formations import formation_model

    rng = random.Random(seed)
    secretariat = users["scolarite"]
    ReglementConfig.objects.create(department=department, **DEMO_RULE)
    formation = formation_model(next(iter(runs.values())).formation)
    absences: list[AbsenceRecord] = []
    justifications: list[JustificationRecord] = []
    seen: set[tuple[int, dt.date, str, str]] = set()
    heavy: dict[int, int] = {}  # run semestre -> students given many unjustified absences in one module
    for semestre, run in sorted(runs.items()):
        weeks = _alternance(run)
        AlternanceWeek.objects.bulk_create(AlternanceWeek(semester=run, lundi=lundi, lieu=lieu) for lundi, lieu in weeks)
        assert run.debut and run.fin
        end = run.fin if semestre % 2 else run.debut + (run.fin - run.debut) * 3 // 5
        days = [lundi + dt.timedelta(days=d) for lundi, lieu in weeks if lieu == Lieu.IUT for d in range(5)]
        days = [d for d in days if run.debut <= d <= end]
        # absences are taken in class: not in the internship nor the portfolio
        modules = [m.code for m in formation.modules_of(semestre, PARCOURS)
                   if not any(word in f"{m.code} {m.titre}".lower() for word in ("stage", "portfolio"))]
        enrolments = list(run.enrolments.select_related("student").order_by("student__nip"))
        for position, enrolment in enumerate(enrolments):
            student = enrolment.student
            count = rng.choices((0, 1, 2, 3, 5, 8), weights=(30, 20, 18, 14, 12, 6))[0]
            # Two students of the odd semesters miss one module again and again (the rule then proposes
            # ATJ and takes points off), one of BUT2 a little less (a penalty only).
            if semestre % 2 and position in (3, 11) and semestre != 5:
                count, module_focus = 0, modules[position % len(modules)]
                focus = 7 if position == 3 else 4
                for day in rng.sample(days, focus):
                    seen.add((student.pk, day, "matin", module_focus))
                    absences.append(AbsenceRecord(student=student, semester=run, date=day, creneau="matin",
                                                  module_code=module_focus, recorded_by=users["enseignant"]))
                heavy[semestre] = heavy.get(semestre, 0) + 1
            mine: list[dt.date] = []
            for _ in range(count):
                day, creneau, module = rng.choice(days), rng.choice(("matin", "apres-midi")), rng.choice(modules)
                if (student.pk, day, creneau, module) in seen:
                    continue
                seen.add((student.pk, day, creneau, module))
                nature = "retard" if rng.random() < 0.15 else "absence"
                absences.append(AbsenceRecord(student=student, semester=run, date=day, creneau=creneau,
                                              module_code=module, nature=nature, recorded_by=users["enseignant"]))
                mine.append(day)
            if mine and rng.random() < 0.5:
                first = min(mine)
                justifications.append(JustificationRecord(
                    student=student, debut=first, fin=first + dt.timedelta(days=rng.choice((0, 1, 2))),
                    motif=rng.choice(JUSTIFICATION_MOTIFS), statut=JustificationStatus.VALIDEE,
                    submitted_by=secretariat, validated_by=secretariat,
                ))
    AbsenceRecord.objects.bulk_create(absences, batch_size=2000)
    if own is not None:  # the student account: one absence justified, one proof waiting for the secretariat
        run = next(r for s, r in runs.items() if s % 2 and own.enrolments.filter(semester=r).exists())
        days = sorted(d for d, _, _ in ((a.date, a.creneau, a.module_code) for a in absences if a.student_id == own.pk))
        base = days[0] if days else (run.debut or dt.date(2023, 10, 2)) + dt.timedelta(days=14)
        if not days:
            AbsenceRecord.objects.create(student=own, semester=run, date=base, creneau="apres-midi",
                                         module_code=formation.modules_of(run.semestre, PARCOURS)[0].code)
        justifications.append(JustificationRecord(student=own, debut=base, fin=base, motif="Rendez-vous médical",
                                                  statut=JustificationStatus.SOUMISE, submitted_by=users["etudiant"]))
    refused = next((j for j in justifications if j.statut == JustificationStatus.VALIDEE), None)
    if refused is not None:
        refused.statut, refused.motif = JustificationStatus.REFUSEE, "Retard de bus (sans attestation)"
    JustificationRecord.objects.bulk_create(justifications, batch_size=2000)
