"""Absence alerts by e-mail (issue 15): when a student's unjustified half-days in a semester reach one of
the department's alert thresholds (« Réglages du département », seuils d'alerte, plus the ATJ threshold of
its attendance rules when that rule is on), the student, the department's responsables de formation and,
for an apprentice, the tutor receive one e-mail — once per crossing.

« Once » is held by the database: the crossing is an :class:`AlertCrossing` row (unique per student,
semester and threshold) inserted in the transaction that records and enqueues the mails; two checks at
once cannot both insert it. When the count goes back under a threshold (a justification validated), its
crossing is removed, so that reaching it again is a new crossing, alerted again. The mails themselves go
through ``mail.services.send_one`` (status per recipient, journal, never twice). The check runs nightly
(``jobs.schedule``) or from « Courriels du département »."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from delibe.web.audit import services as audit
from delibe.web.mail.models import AlertCrossing, Mail, Mailing, MailingKind, MailStatus
from delibe.web.mail.services import MailError, envelope
from delibe.web.models import Department, Membership, Role, SemesterRun, Student

ETUDIANT, RESPONSABLE, TUTEUR = "etudiant", "responsable", "tuteur"


def parse_thresholds(text: str) -> list[int]:
    """« 3, 6 ;10 » → [3, 6, 10]; raises ValueError naming the wrong part."""
    out = set()
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 500:
            raise ValueError(f"« {part[:20]} » n'est pas un nombre de demi-journées entre 1 et 500")
        out.add(int(part))
    return sorted(out)


def thresholds(department_id: int, on: dt.date | None = None) -> list[int]:
    """The department's alert thresholds in force on ``on``: its settings' list, and the ATJ threshold of
    its attendance rules when that rule is on."""
    from delibe.web.assiduite.services import rules_row_at
    from delibe.web.selectors.department_settings import settings_row_at

    row = settings_row_at(department_id, on)
    out: set[int] = set()
    if row is not None and row.seuils_alerte:
        try:
            out.update(parse_thresholds(row.seuils_alerte))
        except ValueError:  # checked when saved; an older row is read as far as it goes
            out.update(int(p) for p in re.findall(r"\d+", row.seuils_alerte) if 0 < int(p) <= 500)
    rules = rules_row_at(department_id, on)
    if rules is not None and rules.seuil_atj_actif and rules.seuil_atj:
        out.add(rules.seuil_atj)
    return sorted(out)


def current_runs(department_id: int, today: dt.date) -> list[SemesterRun]:
    """The department's semesters under way on ``today`` (their dates, else their academic year's), not locked."""
    return list(SemesterRun.objects.select_related("formation", "academic_year").filter(
        formation__department_id=department_id, locked=False).filter(
        Q(debut__lte=today, fin__gte=today)
        | Q(debut__isnull=True, academic_year__debut__lte=today, academic_year__fin__gte=today)))


def responsables(department_id: int) -> list[tuple[str, str]]:
    """(address, name) of the department's responsables de formation who have an address."""
    rows = Membership.objects.filter(department_id=department_id, role=Role.RESPONSABLE).select_related("user")
    return sorted({(m.user.email.strip(), m.user.get_full_name() or m.user.username) for m in rows
                   if m.user.email and m.user.is_active})


def recipients_of(student: Student, department_id: int) -> list[tuple[str, str, str]]:
    """(role, address — "" when missing —, label) of an alert about ``student``."""
    out = [(ETUDIANT, student.email.strip(), f"{student} (l'étudiant)")]
    out += [(RESPONSABLE, address, f"{name} (responsable de formation)") for address, name in responsables(department_id)]
    contract = getattr(student, "apprenticeship", None)
    if contract is not None:
        who = contract.tuteur or "tuteur non nommé"
        out.append((TUTEUR, contract.tuteur_email.strip(), f"{who} ({contract.employeur}, maître d'apprentissage)"))
    return out


def subject_of(name: str, seuil: int, semestre: int) -> str:
    return f"Absences : {name} a atteint {seuil} demi-journées non justifiées (S{semestre})"[:200]


def body_of(*, role: str, name: str, prenom: str, seuil: int, count: int, run_label: str, atj: int | None,
            footer: str) -> str:
    rule = (f" Le règlement des études du département prévoit qu'au-delà de {atj} demi-journées non justifiées "
            "le jury peut proposer ATJ (assiduité insuffisante) pour les UE concernées." if atj else "")
    if role == ETUDIANT:
        opening = (f"Bonjour {prenom},\n\nVous comptez {count} demi-journée(s) d'absence non justifiée(s) au "
                   f"{run_label}, ce qui atteint le seuil d'alerte de {seuil} fixé par votre département.{rule}\n\n"
                   "Si vous avez un justificatif, déposez-le dans Délibé (« Mes absences », « Déposer un "
                   "justificatif ») ; sinon, prenez contact avec le secrétariat de votre formation.")
    else:
        opening = (f"Bonjour,\n\n{name} compte {count} demi-journée(s) d'absence non justifiée(s) au {run_label}, "
                   f"ce qui atteint le seuil d'alerte de {seuil} fixé par le département.{rule}\n\n"
                   "Ce message est envoyé une seule fois pour ce seuil ; le détail est dans Délibé.")
    return f"{opening}\n\n{footer}\n"


def sample(department_id: int, role: str = ETUDIANT, *, to: str = "", subject_prefix: str = "") -> EmailMessage:
    """An alert as the student (or a responsable, a tutor) would receive it, for an example student at the
    department's first threshold: the preview of « Courriels du département » and the test send."""
    from delibe.web.assiduite.services import rules_row_at

    levels = thresholds(department_id) or [3]
    rules = rules_row_at(department_id)
    env = envelope(department_id)
    body = body_of(role=role, name="NOM Prénom", prenom="Prénom", seuil=levels[0], count=levels[0],
                   run_label="semestre 1 (exemple)", atj=rules.seuil_atj if rules is not None and rules.seuil_atj_actif
                   else None, footer=env.footer)
    return EmailMessage(subject=subject_prefix + subject_of("NOM Prénom", levels[0], 1), body=body,
                        from_email=env.from_email, to=[to] if to else [], reply_to=env.reply_to)


def send_test(*, user: Any, department: Department) -> str:
    """Sends the example alert to ``user`` themself (« [ESSAI] »); journalled."""
    import smtplib

    address = (getattr(user, "email", "") or "").strip()
    if not address:
        raise MailError("Votre compte n'a pas d'adresse électronique : demandez à l'administrateur de la "
                        "renseigner pour recevoir un essai.")
    try:
        sample(department.pk, to=address, subject_prefix="[ESSAI] ").send()
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"Le serveur de courriel a refusé l'essai vers {address} : {error}") from None
    audit.record(user=user, action="create", object_type="department", object_id=department.pk,
                 department_id=department.pk, summary=f"Essai d'envoi d'une alerte d'absences à {address}")
    return address


def message_for_mail(mail: Mail, *, message_id: str) -> EmailMessage:
    from delibe.web.assiduite.services import rules_row_at

    p = mail.payload
    student = Student.objects.filter(pk=p.get("student")).first()
    run = SemesterRun.objects.select_related("formation", "academic_year").filter(pk=p.get("run")).first()
    if student is None or run is None:
        raise MailError("L'étudiant ou le semestre de cette alerte n'existe plus.")
    env = envelope(run.formation.department_id)
    rules = rules_row_at(run.formation.department_id)
    body = body_of(role=p.get("role", ETUDIANT), name=str(student), prenom=student.prenom, seuil=int(p["seuil"]),
                   count=int(p["count"]), run_label=f"semestre {run.semestre} ({run.academic_year.label})",
                   atj=rules.seuil_atj if rules is not None and rules.seuil_atj_actif else None, footer=env.footer)
    return EmailMessage(subject=subject_of(str(student), int(p["seuil"]), run.semestre), body=body,
                        from_email=env.from_email, to=[mail.recipient], reply_to=env.reply_to,
                        headers={"Message-ID": message_id})


def check(today: dt.date | None = None, department_ids: Iterable[int] | None = None, *, user: Any = None) -> int:
    """Records and enqueues the alerts of every threshold newly reached; returns how many mails were queued."""
    from delibe.web.assiduite.services import decomptes, totaux
    from delibe.web.jobs.tasks import send_mail

    today = today or timezone.localdate()
    departments = Department.objects.order_by("code")
    if department_ids is not None:
        departments = departments.filter(pk__in=list(department_ids))
    queued = 0
    for department in departments:
        levels = thresholds(department.pk, today)
        if not levels:
            continue
        mailing: Mailing | None = None
        for run in current_runs(department.pk, today):
            students = list(Student.objects.filter(enrolments__semester=run, enrolments__etat="I")
                            .select_related("apprenticeship"))
            counts = decomptes(students, semester=run)
            known: dict[int, set[int]] = {}
            for student_id, seuil in AlertCrossing.objects.filter(run=run).values_list("student_id", "seuil"):
                known.setdefault(student_id, set()).add(seuil)
            for student in students:
                count = totaux(counts.get(str(student.pk), {})).non_justifiees
                back_under = {s for s in known.get(student.pk, set()) if s > count}
                if back_under:
                    AlertCrossing.objects.filter(student=student, run=run, seuil__in=back_under).delete()
                new = [s for s in levels if s <= count and s not in known.get(student.pk, set())]
                if not new:
                    continue
                try:
                    with transaction.atomic():
                        if mailing is None:
                            mailing = Mailing.objects.create(
                                kind=MailingKind.ALERTE, department=department, period=today.isoformat(),
                                subject=f"Alertes d'absences du {today:%d/%m/%Y}",
                                created_by=user if getattr(user, "pk", None) else None)
                        for seuil in new:
                            AlertCrossing.objects.create(student=student, run=run, seuil=seuil, count=count,
                                                         mailing=mailing)
                        seuil = max(new)
                        mails = [Mail.objects.create(
                            mailing=mailing, student=student if role == ETUDIANT else None, recipient=address,
                            label=label, payload={"role": role, "student": student.pk, "run": run.pk, "seuil": seuil,
                                                  "count": count},
                            status=MailStatus.QUEUED if address else MailStatus.NO_ADDRESS,
                            error="" if address else "Pas d'adresse électronique pour ce destinataire.")
                            for role, address, label in recipients_of(student, department.pk)]
                        audit.record(user=user, action="create", object_type="student", object_id=student.pk,
                                     student_id=student.pk, semester_id=run.pk, department_id=department.pk,
                                     summary=f"Alerte d'absences : {count} demi-journée(s) non justifiée(s), "
                                             f"seuil {seuil} atteint (S{run.semestre}) ; "
                                             f"{sum(1 for m in mails if m.recipient)} destinataire(s)")
                        for m in mails:
                            if m.status == MailStatus.QUEUED:
                                send_mail.enqueue(m.pk)
                                queued += 1
                except IntegrityError:  # another check recorded this crossing at the same time: it alerts
                    mailing = mailing if mailing is not None and mailing.pk and Mailing.objects.filter(
                        pk=mailing.pk).exists() else None
                    continue
    return queued
