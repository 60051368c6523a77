"""Sending a semester's results by e-mail (Django's e-mail framework; SMTP in production).

Once the jury is closed (``documents.published``), each enrolled student gets one e-mail with their
bulletin (PDF) and, after the year jury (even semester), the decision letter (PDF). The staff first sees a
preview and may send the first message to themselves; then :func:`start_mailing` records one
:class:`Mail` per student (all or nothing, with a journal entry) and enqueues one task per mail.

A mail is never sent twice: :func:`send_one` renders the attachments, then moves the mail from « en
attente » to « en cours d'envoi » by a conditional update (only one run can win it), talks to the SMTP
server, then records « envoyé » with its journal entry. A run that finds a mail « en cours d'envoi » (its
worker died while talking to the server) marks it « interrompu, à vérifier » and does not send it again.
A new mailing skips the students who already received this semester's results.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from delibe.web.audit import services as audit
from delibe.web.mail.models import Mail, Mailing, MailingKind, MailStatus
from delibe.web.models import SemesterRun, Student
from delibe.web.services import documents as docs


class MailError(Exception):
    """A mailing or a test send that cannot be done; the message (French) says why."""


FOOTER = ("—\nCe message a été envoyé par Délibé pour le secrétariat de votre formation. Les documents joints "
          "font foi tels qu'arrêtés par le jury ; pour toute question, répondez à ce message.")


def subject_of(run: SemesterRun) -> str:
    return (f"Vos résultats du semestre {run.semestre} — {run.formation.titre} "
            f"({run.academic_year.label})")[:200]


def students_of(run: SemesterRun) -> list[Student]:
    return [e.student for e in run.enrolments.select_related("student").order_by("student__nom", "student__prenom")]


@dataclass(frozen=True)
class Envelope:
    """Who a department's e-mails come from, where replies go and the text that ends them: the
    department's settings in force today (« Réglages du département », Courriels), else the installation's
    (``DELIBE_EMAIL_FROM``, ``DELIBE_EMAIL_REPLY_TO``) and Délibé's footer."""

    from_email: str
    reply_to: list[str]
    footer: str


def envelope(department_id: int | None) -> Envelope:
    from delibe.web.selectors.department_settings import settings_row_at

    row = settings_row_at(department_id) if department_id is not None else None
    sender = (row.courriel_expediteur if row is not None else "") or str(settings.DEFAULT_FROM_EMAIL)
    reply = (row.courriel_reponse if row is not None else "") or str(
        getattr(settings, "DELIBE_EMAIL_REPLY_TO", "") or "")
    footer = (row.courriel_pied.strip() if row is not None else "") or FOOTER
    if not footer.startswith("—"):
        footer = f"—\n{footer}"
    return Envelope(sender, [reply] if reply else [], footer)


def _sender() -> str:
    return str(settings.DEFAULT_FROM_EMAIL)


def body_of(run: SemesterRun, student: Student, *, lettre: bool, footer: str = FOOTER) -> str:
    greeting = f"Bonjour {student.prenom} {student.nom.upper()},".replace("  ", " ")
    joined = "votre bulletin du semestre" + (" et la lettre de décision du jury d'année" if lettre else "")
    return (f"{greeting}\n\nLe jury du semestre {run.semestre} ({run.formation.titre}, année "
            f"{run.academic_year.label}) s'est réuni et ses décisions sont arrêtées. Vous trouverez en pièce "
            f"jointe {joined} (PDF).\n\nVous pouvez aussi les consulter dans Délibé, rubrique « Mes résultats ».\n\n"
            f"{footer}\n")


def _base_name(student: Student, run: SemesterRun) -> str:
    from delibe.reports.batch import slug

    return slug(f"{student.nip}-{student.nom.upper()}-{student.prenom}-S{run.semestre}-{run.academic_year.label}")


def attachments_of(run: SemesterRun, student: Student) -> list[tuple[str, bytes, str]]:
    """The bulletin (as the student sees it: published decisions only) and the letter when there is one."""
    from delibe.reports import bulletin, lettre

    out = [(f"bulletin-{_base_name(student, run)}.pdf",
            bulletin.to_pdf(docs.bulletin_data(student, run, for_student=True)), "application/pdf")]
    if docs.has_decision_letter(student.pk, run):
        out.append((f"lettre-decision-{_base_name(student, run)}.pdf",
                    lettre.to_pdf(docs.lettre_data(student, run)), "application/pdf"))
    return out


def message_for(run: SemesterRun, student: Student, to: str, *, message_id: str = "",
                subject_prefix: str = "") -> EmailMessage:
    attachments = attachments_of(run, student)
    env = envelope(run.formation.department_id)
    message = EmailMessage(subject=subject_prefix + subject_of(run),
                           body=body_of(run, student, lettre=len(attachments) > 1, footer=env.footer),
                           from_email=env.from_email, to=[to], reply_to=env.reply_to,
                           headers={"Message-ID": message_id} if message_id else None)
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def _require_published(run: SemesterRun) -> None:
    if not docs.published(run):
        raise MailError("Le jury de ce semestre n'est pas encore clos : les résultats ne peuvent pas être envoyés "
                        "aux étudiants avant la clôture (page du jury, « Clore le jury »).")


@dataclass
class Preview:
    run: SemesterRun
    subject: str
    body: str
    attachments: list[str]
    with_address: list[Student] = field(default_factory=list)
    without_address: list[Student] = field(default_factory=list)
    already_sent: set[int] = field(default_factory=set)
    published: bool = False

    @property
    def to_send(self) -> list[Student]:
        return [s for s in self.with_address if s.pk not in self.already_sent]


# a mail sent, or that will be (or was perhaps: interrupted while sending, never sent again by itself)
ON_ITS_WAY = (MailStatus.SENT, MailStatus.QUEUED, MailStatus.SENDING, MailStatus.UNCERTAIN)


def already_sent(run: SemesterRun) -> set[int]:
    return set(Mail.objects.filter(mailing__run=run, status=MailStatus.SENT).values_list("student_id", flat=True))


def preview(run: SemesterRun) -> Preview:
    """What a mailing of ``run`` would send, shown for its first student (no PDF rendered)."""
    students = students_of(run)
    first = students[0] if students else None
    lettre = bool(first and docs.has_decision_letter(first.pk, run))
    names = ([f"bulletin-{_base_name(first, run)}.pdf"] + ([f"lettre-decision-{_base_name(first, run)}.pdf"]
                                                           if lettre else [])) if first else []
    footer = envelope(run.formation.department_id).footer
    return Preview(run=run, subject=subject_of(run),
                   body=body_of(run, first, lettre=lettre, footer=footer) if first else "",
                   attachments=names, with_address=[s for s in students if s.email],
                   without_address=[s for s in students if not s.email], already_sent=already_sent(run),
                   published=docs.published(run))


def send_test(*, user: Any, run: SemesterRun) -> str:
    """Sends the first student's message to ``user`` themself (subject marked « [ESSAI] »); returns the
    address. Nothing is recorded for the students."""
    _require_published(run)
    address = (getattr(user, "email", "") or "").strip()
    if not address:
        raise MailError("Votre compte n'a pas d'adresse électronique : demandez à l'administrateur de la "
                        "renseigner pour recevoir un essai.")
    students = students_of(run)
    if not students:
        raise MailError("Aucun étudiant n'est inscrit à ce semestre.")
    try:
        message_for(run, students[0], address, subject_prefix="[ESSAI] ").send()
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"Le serveur de courriel a refusé l'essai vers {address} : {error}") from None
    audit.record(user=user, action="create", object_type="semester", object_id=run.pk, semester_id=run.pk,
                 department_id=run.formation.department_id,
                 summary=f"Essai d'envoi des résultats S{run.semestre} à {address}")
    return address


def start_mailing(*, user: Any, run: SemesterRun) -> Mailing:
    """Records one mail per student not yet sent this semester's results and enqueues them (all or nothing)."""
    from delibe.web.jobs.tasks import send_mail

    _require_published(run)
    # a second click, or a second tab, while the first mailing is still in the queue: not sent twice
    sent = set(Mail.objects.filter(mailing__run=run, status__in=ON_ITS_WAY).values_list("student_id", flat=True))
    students = [s for s in students_of(run) if s.pk not in sent]
    if not students:
        raise MailError("Tous les étudiants de ce semestre ont déjà reçu leurs résultats, ou leur envoi est en "
                        "cours : rien à envoyer.")
    if not any(s.email for s in students):  # a mailing that would only record « adresse manquante » again
        raise MailError(f"Aucun des {len(students)} étudiant(s) qui n'ont pas reçu leurs résultats n'a d'adresse "
                        "électronique : complétez leurs fiches, puis envoyez.")
    with transaction.atomic():
        mailing = Mailing.objects.create(run=run, department_id=run.formation.department_id,
                                         created_by=user if getattr(user, "pk", None) else None,
                                         subject=subject_of(run))
        mails = Mail.objects.bulk_create([
            Mail(mailing=mailing, student=s, recipient=s.email,
                 status=MailStatus.QUEUED if s.email else MailStatus.NO_ADDRESS,
                 error="" if s.email else "Pas d'adresse électronique dans la fiche de l'étudiant.")
            for s in students])
        missing = sum(1 for m in mails if m.status == MailStatus.NO_ADDRESS)
        audit.record(user=user, action="create", object_type="semester", object_id=run.pk, semester_id=run.pk,
                     department_id=run.formation.department_id,
                     summary=f"Envoi des résultats S{run.semestre} par courriel : {len(mails) - missing} "
                             f"destinataire(s), {missing} sans adresse (envoi n° {mailing.pk})")
        for mail in Mail.objects.filter(mailing=mailing, status=MailStatus.QUEUED).order_by("id"):
            send_mail.enqueue(mail.pk)  # same transaction: the tasks exist only if the mails do
    return mailing


def _domain(sender: str = "") -> str:
    sender = sender or _sender()
    return sender.rsplit("@", 1)[-1].strip("> ") or "delibe.invalid"


def build_message(mail: Mail, message_id: str) -> EmailMessage:
    """The message of one recorded mail, built at send time from what its mailing is: a semester's results,
    a month's attendance reports, an absence alert. Raises MailError when its content cannot be produced."""
    kind = mail.mailing.kind
    if kind == MailingKind.RAPPORT:
        from delibe.web.mail import rapports

        return rapports.message_for_mail(mail, message_id=message_id)
    if kind == MailingKind.ALERTE:
        from delibe.web.mail import alertes

        return alertes.message_for_mail(mail, message_id=message_id)
    if mail.student is None or mail.mailing.run is None:
        raise MailError("Ce courriel n'a plus d'étudiant destinataire.")
    try:
        return message_for(mail.mailing.run, mail.student, mail.recipient, message_id=message_id)
    except docs.DocumentError as error:
        raise MailError(f"Documents impossibles à produire : {error}") from None


def journal_scope(mailing: Mailing) -> dict[str, Any]:
    """The journal's department and semester of a mailing's entries."""
    if mailing.run is not None:
        return {"semester_id": mailing.run_id, "department_id": mailing.run.formation.department_id}
    return {"department_id": mailing.department_id}


def send_one(mail_id: int) -> str:
    """The body of the task ``send_mail``: sends one mail at most once; returns its final status."""
    mail = Mail.objects.select_related("mailing__run__formation", "mailing__run__academic_year", "student",
                                       "mailing__department").filter(pk=mail_id).first()
    if mail is None:
        return "inconnu"
    if mail.status == MailStatus.SENDING:  # a previous run died while talking to the server
        Mail.objects.filter(pk=mail.pk, status=MailStatus.SENDING).update(
            status=MailStatus.UNCERTAIN,
            error="L'envoi a été interrompu pendant l'échange avec le serveur ; il n'est pas renvoyé "
                  "automatiquement pour ne pas l'envoyer deux fois. Vérifiez auprès de l'étudiant.")
        return MailStatus.UNCERTAIN
    if mail.status != MailStatus.QUEUED:
        return str(mail.status)
    department_id = (mail.mailing.run.formation.department_id if mail.mailing.run is not None
                     else mail.mailing.department_id)
    message_id = f"<delibe-{mail.mailing_id}-{mail.pk}@{_domain(envelope(department_id).from_email)}>"
    try:
        message = build_message(mail, message_id)  # before any mark
    except MailError as error:  # nothing sent: said on the page, can be retried once fixed
        Mail.objects.filter(pk=mail.pk, status=MailStatus.QUEUED).update(status=MailStatus.FAILED, error=str(error))
        return MailStatus.FAILED
    if not Mail.objects.filter(pk=mail.pk, status=MailStatus.QUEUED).update(
            status=MailStatus.SENDING, attempts=F("attempts") + 1, message_id=message_id):
        return "déjà pris"
    try:
        get_connection().send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        detail = "; ".join(f"{addr} : {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                           for addr, (code, text) in error.recipients.items())
        Mail.objects.filter(pk=mail.pk).update(status=MailStatus.REFUSED, error=f"Adresse refusée ({detail})")
        return MailStatus.REFUSED
    except (smtplib.SMTPException, OSError) as error:
        Mail.objects.filter(pk=mail.pk).update(status=MailStatus.FAILED,
                                               error=f"Serveur de courriel : {type(error).__name__} {error}")
        return MailStatus.FAILED
    with transaction.atomic():
        Mail.objects.filter(pk=mail.pk).update(status=MailStatus.SENT, sent_at=timezone.now(), error="")
        student_id = mail.student_id or mail.payload.get("student")
        joined = ", ".join(str(a[0]) for a in message.attachments)
        audit.record(user=mail.mailing.created_by, action="create",
                     object_type="student" if student_id else "department",
                     object_id=student_id or mail.mailing.department_id, student_id=student_id,
                     channel="web", **journal_scope(mail.mailing),
                     summary=f"Courriel envoyé à {mail.recipient}{f' ({mail.label})' if mail.label else ''} : "
                             f"{mail.mailing.subject}{f' ({joined})' if joined else ''}")
    return MailStatus.SENT


def retry_failed(*, user: Any, mailing: Mailing) -> int:
    """Queues again the mails the server could not take (unreachable): never those sent or uncertain."""
    from delibe.web.jobs.tasks import send_mail

    with transaction.atomic():
        ids = list(Mail.objects.filter(mailing=mailing, status=MailStatus.FAILED).values_list("pk", flat=True))
        Mail.objects.filter(pk__in=ids, status=MailStatus.FAILED).update(status=MailStatus.QUEUED, error="")
        if ids:
            audit.record(user=user, action="update", object_type="semester" if mailing.run_id else "department",
                         object_id=mailing.run_id or mailing.department_id, **journal_scope(mailing),
                         summary=f"Nouvel essai de {len(ids)} courriel(s) en échec (envoi n° {mailing.pk})")
        for pk in ids:
            send_mail.enqueue(pk)
    return len(ids)


def counts(mailing: Mailing) -> dict[str, int]:
    out = {status: 0 for status in MailStatus.values}
    for status in mailing.mails.values_list("status", flat=True):
        out[status] += 1
    return out
