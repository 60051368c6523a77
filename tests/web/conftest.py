"""Fixtures of the web tests: one department with the MMI formation, a 2023-2024 BUT1 (S1, S2) with
two students, one account per role, and a second department whose objects must stay invisible."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORMATION_TEXT = (ROOT / "formations" / "but-mmi-dijon.yaml").read_text(encoding="utf-8")
PASSWORD = "motdepasse-test"


@dataclass
class World:
    department: object
    other_department: object
    version: object
    year: object
    s1: object
    s2: object
    other_run: object
    alice: object
    bruno: object
    other_student: object
    taught: object  # evaluation of R1.01 in S1, taught by « enseignant »
    untaught: object  # evaluation of R1.02 in S1
    users: dict


@pytest.fixture
def world(db) -> World:
    from django.contrib.auth import get_user_model

    from delibe.web.models import (
        AcademicYear,
        Department,
        Enrolment,
        Evaluation,
        Membership,
        Role,
        SemesterRun,
        Student,
        TeachingAssignment,
    )
    from delibe.web.services.formations import store_formation_text
    from delibe.web.services.groupes import place

    department = Department.objects.create(code="mmi", nom="MMI")
    other = Department.objects.create(code="geii", nom="GEII")
    version = store_formation_text(department, "but-mmi-dijon", FORMATION_TEXT)
    other_version = store_formation_text(
        other, "but-mmi-auxerre", FORMATION_TEXT.replace("id: but-mmi-dijon", "id: but-mmi-auxerre", 1)
    )
    year = AcademicYear.objects.create(label="2023-2024", debut=dt.date(2023, 9, 1), fin=dt.date(2024, 7, 15))
    s1 = SemesterRun.objects.create(formation=version, semestre=1, academic_year=year)
    s2 = SemesterRun.objects.create(formation=version, semestre=2, academic_year=year)
    other_run = SemesterRun.objects.create(formation=other_version, semestre=1, academic_year=year)

    def student(nip: str, nom: str, dept=department, fv=version) -> Student:
        return Student.objects.create(department=dept, formation=fv, parcours="Créa", nip=nip, nom=nom, prenom="Test")

    alice, bruno = student("1001", "Alpha"), student("1002", "Bravo")
    other_student = student("2001", "Autre", other, other_version)
    for s in (alice, bruno):
        for run in (s1, s2):
            place(Enrolment.objects.create(student=s, semester=run, parcours="Créa"), "A")
    Enrolment.objects.create(student=other_student, semester=other_run, parcours="Créa")
    taught = Evaluation.objects.create(semester=s1, module_code="R1.01", titre="Contrôle", note_max=20)
    untaught = Evaluation.objects.create(semester=s1, module_code="R1.02", titre="Contrôle", note_max=20)

    User = get_user_model()
    users = {}
    for name, role, dept in (
        ("admin", Role.ADMIN, None), ("scolarite", Role.SCOLARITE, department),
        ("responsable", Role.RESPONSABLE, department), ("enseignant", Role.ENSEIGNANT, department),
        ("president", Role.PRESIDENT, department), ("etudiant", None, None), ("autre", Role.SCOLARITE, other),
    ):
        user = User.objects.create_user(name, password=PASSWORD)
        if role is not None:
            Membership.objects.create(user=user, department=dept, role=role)
        users[name] = user
    alice.user = users["etudiant"]
    alice.save()
    TeachingAssignment.objects.create(user=users["enseignant"], semester=s1, module_code="R1.01")
    return World(department, other, version, year, s1, s2, other_run, alice, bruno, other_student, taught,
                 untaught, users)


@pytest.fixture
def login(client):
    def as_(username: str):
        if username != "anonyme":
            assert client.login(username=username, password=PASSWORD)
        return client
    return as_


def move_to_group(run, student, name: str, partition: str = "Groupes"):
    """Puts ``student`` in group ``name`` of ``run`` (created when missing); returns the group."""
    from delibe.web.models import Enrolment
    from delibe.web.services.groupes import place

    return place(Enrolment.objects.get(student=student, semester=run), name, partition)


def grade_whole_year(world: World, alice_average: float, bruno_average: float) -> None:
    """One evaluation per module of S1 and S2, every student graded with the same value everywhere, so
    that every UE average equals that value."""
    from decimal import Decimal

    from delibe.web.models import Evaluation, Grade
    from delibe.web.services.formations import formation_model

    formation = formation_model(world.version)
    Evaluation.objects.filter(semester__in=[world.s1, world.s2]).delete()
    grades = []
    for run in (world.s1, world.s2):
        for module in formation.modules_of(run.semestre, "Créa"):
            e = Evaluation.objects.create(semester=run, module_code=module.code, titre="Unique", note_max=20)
            grades.append(Grade(evaluation=e, student=world.alice, value=Decimal(str(alice_average))))
            grades.append(Grade(evaluation=e, student=world.bruno, value=Decimal(str(bruno_average))))
    Grade.objects.bulk_create(grades)


def close_jury(world: World, run, username: str = "president") -> None:
    """Closes the jury of ``run`` over whatever the checklist still lists, with a reason for each item (the
    way the président closes a jury whose grades the test did not fill)."""
    from delibe.web.selectors.cloture import jury_checklist
    from delibe.web.services.jury import lock_jury

    lock_jury(user=world.users[username], run=run,
              motifs={item.key: "Clos par le test malgré ce point" for item in jury_checklist(run).items})


@pytest.fixture
def graded(world):
    """The world with every module of S1 and S2 graded: Alice 12 everywhere, Bruno 9."""
    grade_whole_year(world, alice_average=12, bruno_average=9)
    return world


@pytest.fixture
def documents_dir(settings, tmp_path):
    settings.DELIBE_DOCUMENTS_DIR = tmp_path / "documents"
    settings.DELIBE_DOCUMENTS_WORKERS = 1
    return settings.DELIBE_DOCUMENTS_DIR


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo database (services/demo.py) built once per test module inside a transaction rolled back
    at the end: the tests read a department's worth of data without paying for it test by test."""
    from django.db import transaction

    from delibe.web.services.demo import ensure_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield ensure_demo(echo=lambda _: None)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- a real SMTP server on the loopback (aiosmtpd) -----------------------------------------------------

REFUSED = "refuse@etu.example.org"


class Inbox:
    """What the SMTP server received: one parsed message per recipient."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, email.message.EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd's hook
        if address == REFUSED:
            return "550 5.1.1 Adresse inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((rcpt, parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.messages if rcpt == address]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), Django's SMTP backend pointed at it, tasks in the database."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:  # a free port on the loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "Scolarité MMI <scolarite@iut.example.org>"
    settings.DELIBE_EMAIL_REPLY_TO = "scolarite-mmi@iut.example.org"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield inbox
    controller.stop()
