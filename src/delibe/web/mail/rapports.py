"""The apprentices' monthly attendance reports by e-mail (issue 15): each tutor (maître d'apprentissage)
and each CFA receives, for a month, the report of their own apprentices (PDF and CSV per employer,
``reports.assiduite``), with the guarantees of every Délibé mailing (``mail.services``): a preview, a test
send to oneself, a status per recipient (sent, refused, no address, failed), a journal entry per mail
sent, and never twice — a mailing of a month skips the addresses that already received that month's
report, and each mail is sent by ``send_one``, which claims it before talking to the server.

The addresses are the apprenticeship contract's (``tuteur_email``, ``cfa_email``: students import, page
« Gérer » of the student). Sent by hand (« Courriels du département ») or by the scheduled task of the
first working day of the month for the month before (``jobs.schedule``)."""

from __future__ import annotations

import calendar
import datetime as dt
import smtplib
from dataclasses import dataclass, field
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction

from delibe.collation import text_key
from delibe.web import permissions as perm
from delibe.web.audit import services as audit
from delibe.web.mail.models import Mail, Mailing, MailingKind, MailStatus
from delibe.web.mail.services import MailError, envelope
from delibe.web.models import ApprenticeContract, Department

TUTEUR, CFA = "tuteur", "cfa"


@dataclass(frozen=True)
class Recipient:
    address: str  # "" when the contract holds none
    label: str
    role: str  # TUTEUR or CFA
    student_ids: tuple[int, ...]
    apprentis: tuple[str, ...]


def previous_month(today: dt.date) -> tuple[int, int]:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def period_of(annee: int, mois: int) -> str:
    return f"{annee}-{mois:02d}"


def month_label(annee: int, mois: int) -> str:
    from delibe.reports.assiduite import MOIS

    return f"{MOIS[mois - 1]} {annee}"


def contracts_of(department_id: int, annee: int, mois: int) -> list[ApprenticeContract]:
    debut = dt.date(annee, mois, 1)
    fin = dt.date(annee, mois, calendar.monthrange(annee, mois)[1])
    return list(ApprenticeContract.objects.select_related("student").filter(
        student__department_id=department_id, debut__lte=fin, fin__gte=debut))


def recipients(department_id: int, annee: int, mois: int) -> list[Recipient]:
    """The tutors then the CFAs who receive the month's report, one per address, each with their
    apprentices; a contract without the address gives a recipient without address (shown, never sent)."""
    groups: dict[tuple[str, str], list[ApprenticeContract]] = {}
    missing: list[Recipient] = []
    for c in contracts_of(department_id, annee, mois):
        name = str(c.student)
        if c.tuteur_email:
            groups.setdefault((TUTEUR, c.tuteur_email.strip().lower()), []).append(c)
        else:
            missing.append(Recipient("", f"{c.employeur} — maître d'apprentissage {c.tuteur or '(non renseigné)'}",
                                     TUTEUR, (c.student_id,), (name,)))
        if c.cfa_email:
            groups.setdefault((CFA, c.cfa_email.strip().lower()), []).append(c)
        else:
            missing.append(Recipient("", f"CFA {c.cfa or '(non renseigné)'}", CFA, (c.student_id,), (name,)))
    out = []
    for (role, address), cs in groups.items():
        if role == TUTEUR:
            who = ", ".join(sorted({c.tuteur for c in cs if c.tuteur}, key=text_key)) or address
            label = f"{', '.join(sorted({c.employeur for c in cs}, key=text_key))} — maître d'apprentissage {who}"
        else:
            label = f"CFA {', '.join(sorted({c.cfa for c in cs if c.cfa}, key=text_key)) or address}"
        out.append(Recipient(address, label, role, tuple(sorted(c.student_id for c in cs)),
                             tuple(sorted((str(c.student) for c in cs), key=text_key))))
    order = {TUTEUR: 0, CFA: 1}
    return sorted(out + missing, key=lambda r: (order[r.role], text_key(r.label), r.apprentis))


def subject_of(department: Department, annee: int, mois: int) -> str:
    return f"Relevé mensuel d'assiduité des apprentis — {month_label(annee, mois)} — {department.nom}"[:200]


def body_of(recipient: Recipient, annee: int, mois: int, reports: list[Any], footer: str) -> str:
    lines = []
    for r in reports:
        for a in r.apprentis:
            lines.append(f"- {a.nom.upper()} {a.prenom} ({r.employeur}) : {a.non_justifiees} demi-journée(s) "
                         f"d'absence non justifiée(s), {a.justifiees} justifiée(s), {a.retards} retard(s)")
    whom = "vos apprentis" if recipient.role == TUTEUR else "les apprentis que suit votre CFA"
    return (f"Bonjour,\n\nVoici le relevé d'assiduité de {month_label(annee, mois)} pour {whom} à l'IUT :\n\n"
            + ("\n".join(lines) or "- aucun apprenti ce mois-ci")
            + "\n\nLe détail (dates, créneaux, modules, justificatifs) est dans les pièces jointes (PDF et CSV, "
              "une par employeur).\n\n" + f"{footer}\n")


def attachment_names(reports: list[Any], annee: int, mois: int) -> list[str]:
    from delibe.reports.assiduite import _slug

    names = []
    for r in reports:
        stem = f"assiduite-{annee}-{mois:02d}-{_slug(r.employeur)}"
        names += [f"{stem}.pdf", f"{stem}.csv"]
    return names


def build(department: Department, recipient: Recipient, annee: int, mois: int, to: str, *, message_id: str = "",
          subject_prefix: str = "") -> EmailMessage:
    from delibe.reports.assiduite import rapport_csv, rapport_pdf
    from delibe.web.assiduite.services import monthly_reports

    reports = monthly_reports(department.pk, annee, mois, student_ids=recipient.student_ids)
    env = envelope(department.pk)
    message = EmailMessage(subject=subject_prefix + subject_of(department, annee, mois),
                           body=body_of(recipient, annee, mois, reports, env.footer), from_email=env.from_email,
                           to=[to], reply_to=env.reply_to, headers={"Message-ID": message_id} if message_id else None)
    names = iter(attachment_names(reports, annee, mois))
    for r in reports:
        message.attach(next(names), rapport_pdf(r), "application/pdf")
        message.attach(next(names), rapport_csv(r).encode("utf-8-sig"), "text/csv")
    return message


def message_for_mail(mail: Mail, *, message_id: str) -> EmailMessage:
    payload = mail.payload
    department = mail.mailing.department
    if department is None:
        raise MailError("Ce relevé n'a plus de département.")
    recipient = Recipient(mail.recipient, mail.label, payload.get("role", TUTEUR),
                          tuple(payload.get("students", ())), ())
    try:
        return build(department, recipient, int(payload["annee"]), int(payload["mois"]), mail.recipient,
                     message_id=message_id)
    except (KeyError, ValueError, OSError) as error:
        raise MailError(f"Relevé impossible à produire : {error}") from None


def already_sent(department_id: int, annee: int, mois: int) -> set[str]:
    return {a.lower() for a in Mail.objects.filter(
        mailing__kind=MailingKind.RAPPORT, mailing__department_id=department_id,
        mailing__period=period_of(annee, mois), status=MailStatus.SENT).values_list("recipient", flat=True)}


@dataclass
class Preview:
    department: Department
    annee: int
    mois: int
    subject: str
    body: str = ""
    attachments: list[str] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    already_sent: set[str] = field(default_factory=set)

    @property
    def with_address(self) -> list[Recipient]:
        return [r for r in self.recipients if r.address]

    @property
    def without_address(self) -> list[Recipient]:
        return [r for r in self.recipients if not r.address]

    @property
    def to_send(self) -> list[Recipient]:
        return [r for r in self.with_address if r.address not in self.already_sent]

    @property
    def period(self) -> str:
        return period_of(self.annee, self.mois)

    @property
    def label(self) -> str:
        return month_label(self.annee, self.mois)


def preview(department: Department, annee: int, mois: int) -> Preview:
    """What the month's mailing would send; the text of its first recipient with an address (no PDF rendered)."""
    from delibe.web.assiduite.services import monthly_reports

    found = recipients(department.pk, annee, mois)
    out = Preview(department, annee, mois, subject_of(department, annee, mois), recipients=found,
                  already_sent=already_sent(department.pk, annee, mois))
    if found:
        first = next((r for r in found if r.address), found[0])
        reports = monthly_reports(department.pk, annee, mois, student_ids=first.student_ids)
        out.body = body_of(first, annee, mois, reports, envelope(department.pk).footer)
        out.attachments = attachment_names(reports, annee, mois)
    return out


def _require_secretariat(user: Any, department: Department) -> None:
    from delibe.web.assiduite.services import SECRETARIAT

    perm.require(perm.roles_of(user).has(department.pk, SECRETARIAT),
                 "Seuls la scolarité et le responsable de formation envoient les relevés d'assiduité.")


def send_test(*, user: Any, department: Department, annee: int, mois: int) -> str:
    """Sends the first addressed recipient's report to ``user`` themself (« [ESSAI] »); nothing recorded for them."""
    _require_secretariat(user, department)
    address = (getattr(user, "email", "") or "").strip()
    if not address:
        raise MailError("Votre compte n'a pas d'adresse électronique : demandez à l'administrateur de la "
                        "renseigner pour recevoir un essai.")
    found = recipients(department.pk, annee, mois)
    if not found:
        raise MailError(f"Aucun contrat d'apprentissage ne couvre {month_label(annee, mois)} : pas de relevé.")
    try:
        first = next((r for r in found if r.address), found[0])
        build(department, first, annee, mois, address, subject_prefix="[ESSAI] ").send()
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"Le serveur de courriel a refusé l'essai vers {address} : {error}") from None
    audit.record(user=user, action="create", object_type="department", object_id=department.pk,
                 department_id=department.pk,
                 summary=f"Essai d'envoi des relevés d'assiduité de {month_label(annee, mois)} à {address}")
    return address


def start_mailing(*, user: Any, department: Department, annee: int, mois: int) -> Mailing:
    """Records one mail per recipient not yet sent this month's report (and one « adresse manquante » per
    contract without address) and enqueues them, all or nothing. ``user`` None: the scheduled task."""
    from delibe.web.jobs.tasks import send_mail

    if user is not None:
        _require_secretariat(user, department)
    sent = already_sent(department.pk, annee, mois)
    found = [r for r in recipients(department.pk, annee, mois) if r.address not in sent]
    if not any(r.address for r in found):
        raise MailError(f"Rien à envoyer pour {month_label(annee, mois)} : "
                        + ("chaque destinataire a déjà reçu son relevé." if sent else
                           "aucun maître d'apprentissage ni CFA n'a d'adresse électronique (fiche de l'étudiant, "
                           "« Gérer », ou import des étudiants)."))
    with transaction.atomic():
        mailing = Mailing.objects.create(kind=MailingKind.RAPPORT, department=department,
                                         period=period_of(annee, mois), subject=subject_of(department, annee, mois),
                                         created_by=user if getattr(user, "pk", None) else None)
        mails = Mail.objects.bulk_create([
            Mail(mailing=mailing, recipient=r.address, label=r.label,
                 payload={"role": r.role, "students": list(r.student_ids), "annee": annee, "mois": mois,
                          "apprentis": list(r.apprentis)},
                 status=MailStatus.QUEUED if r.address else MailStatus.NO_ADDRESS,
                 error="" if r.address else f"Pas d'adresse dans le contrat d'apprentissage de {', '.join(r.apprentis)}.")
            for r in found])
        missing = sum(1 for m in mails if m.status == MailStatus.NO_ADDRESS)
        audit.record(user=user, action="create", object_type="department", object_id=department.pk,
                     department_id=department.pk,
                     summary=f"Envoi des relevés d'assiduité de {month_label(annee, mois)} : "
                             f"{len(mails) - missing} destinataire(s), {missing} sans adresse (envoi n° {mailing.pk})")
        for mail in Mail.objects.filter(mailing=mailing, status=MailStatus.QUEUED).order_by("id"):
            send_mail.enqueue(mail.pk)
    return mailing


def send_scheduled(today: dt.date) -> list[str]:
    """The scheduled task of the first working day: every department's reports of the month before."""
    annee, mois = previous_month(today)
    out = []
    for department in Department.objects.order_by("code"):
        if not contracts_of(department.pk, annee, mois):
            continue
        try:
            mailing = start_mailing(user=None, department=department, annee=annee, mois=mois)
        except MailError as error:
            out.append(f"{department.code} : {error}")
        else:
            out.append(f"{department.code} : envoi n° {mailing.pk}")
    return out
