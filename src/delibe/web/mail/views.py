"""Pages of the e-mails: preview and send a semester's results, follow a mailing, the demo's mailbox.
Thin: the work is in ``mail.services``; every action checks ``permissions.can_produce_documents``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from delibe.web import permissions as perm
from delibe.web.context_processors import MAILBOX_BACKEND
from delibe.web.jobs import schedule
from delibe.web.jobs.models import ScheduledRun
from delibe.web.mail import alertes, rapports, services
from delibe.web.mail.models import MailboxMessage, Mailing, MailStatus
from delibe.web.models import Department
from delibe.web.views.pages import get_run


@login_required
def semester(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_produce_documents(request.user, run))
    return render(request, "mail/semestre.html", {
        "run": run, "preview": services.preview(run), "mailings": run.mailings.all()[:10],
        "own_address": request.user.email, "mailbox": settings.EMAIL_BACKEND == MAILBOX_BACKEND,
    })


@login_required
@require_POST
def send_test(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_produce_documents(request.user, run))
    try:
        address = services.send_test(user=request.user, run=run)
    except services.MailError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Essai envoyé à {address} : vérifiez votre boîte avant d'envoyer à tous.")
    return redirect("mail:semestre", pk=run.pk)


@login_required
@require_POST
def send_all(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_produce_documents(request.user, run))
    try:
        mailing = services.start_mailing(user=request.user, run=run)
    except services.MailError as error:
        messages.error(request, str(error))
        return redirect("mail:semestre", pk=run.pk)
    messages.success(request, "Envoi lancé : son avancement s'affiche ci-dessous.")
    return redirect("mail:envoi", pk=mailing.pk)


def _mailing(request: HttpRequest, pk: int) -> Mailing:
    mailing = get_object_or_404(Mailing.objects.select_related("run", "department"), pk=pk)
    if mailing.run_id is None:  # a department's reports or alerts
        _department(request, mailing.department_id)
        return mailing
    run = get_run(request, mailing.run_id)
    perm.require(perm.can_produce_documents(request.user, run))
    return mailing


def _department(request: HttpRequest, pk: int | None) -> Department:
    """A department whose reports and alerts the user sends: its scolarité, its responsables de formation
    and the administrator (404 for another department's staff, 403 for a teacher or a président)."""
    from delibe.web.assiduite.services import SECRETARIAT

    department = get_object_or_404(Department, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.roles_of(request.user).has(department.pk, SECRETARIAT),
                 "Seuls la scolarité et le responsable de formation envoient les relevés et les alertes.")
    return department


def _month(request: HttpRequest) -> tuple[int, int]:
    raw = request.POST.get("mois") or request.GET.get("mois") or ""
    try:
        annee, mois = (int(x) for x in raw.split("-"))
        dt.date(annee, mois, 1)
    except ValueError:
        return rapports.previous_month(timezone.localdate())
    return annee, mois


@login_required
def department(request: HttpRequest, pk: int) -> HttpResponse:
    """« Courriels du département »: the monthly reports of a month (preview, test, send), the absence
    alerts (thresholds, check now) and the department's mailings."""
    dep = _department(request, pk)
    annee, mois = _month(request)
    return render(request, "mail/departement.html", {
        "department": dep, "preview": rapports.preview(dep, annee, mois),
        "thresholds": alertes.thresholds(dep.pk), "own_address": request.user.email,
        "alert_sample": alertes.sample(dep.pk),
        "mailings": Mailing.objects.filter(department=dep, run__isnull=True)[:20],
        "mailbox": settings.EMAIL_BACKEND == MAILBOX_BACKEND,
        "schedule": ScheduledRun.objects.filter(name__in=[p.name for p in schedule.SCHEDULE])[:4],
    })


@login_required
@require_POST
def reports_test(request: HttpRequest, pk: int) -> HttpResponse:
    dep = _department(request, pk)
    annee, mois = _month(request)
    try:
        address = rapports.send_test(user=request.user, department=dep, annee=annee, mois=mois)
    except services.MailError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Essai envoyé à {address} : vérifiez votre boîte avant d'envoyer à tous.")
    return redirect(f"{reverse('mail:departement', args=[dep.pk])}?mois={annee}-{mois:02d}")


@login_required
@require_POST
def reports_send(request: HttpRequest, pk: int) -> HttpResponse:
    dep = _department(request, pk)
    annee, mois = _month(request)
    try:
        mailing = rapports.start_mailing(user=request.user, department=dep, annee=annee, mois=mois)
    except services.MailError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('mail:departement', args=[dep.pk])}?mois={annee}-{mois:02d}")
    return redirect("mail:envoi", pk=mailing.pk)


@login_required
@require_POST
def alerts_check(request: HttpRequest, pk: int) -> HttpResponse:
    dep = _department(request, pk)
    if not alertes.thresholds(dep.pk):
        messages.error(request, "Aucun seuil d'alerte n'est réglé : renseignez-les dans « Réglages du département ».")
    else:
        n = alertes.check(department_ids=[dep.pk], user=request.user)
        messages.success(request, f"{n} courriel(s) d'alerte mis en file." if n else
                         "Aucun nouveau seuil atteint : aucune alerte à envoyer.")
    return redirect("mail:departement", pk=dep.pk)


@login_required
def mailing_page(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(request, pk)
    counts = services.counts(mailing)
    pending = counts[MailStatus.QUEUED] + counts[MailStatus.SENDING]
    rows = [(status, label, counts[status]) for status, label in MailStatus.choices if counts[status]]
    return render(request, "mail/envoi.html", {
        "mailing": mailing, "run": mailing.run, "rows": rows, "pending": pending,
        "mails": mailing.mails.select_related("student").order_by("student__nom", "student__prenom", "label", "id"),
        "failed": counts[MailStatus.FAILED],
    })


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(request, pk)
    n = services.retry_failed(user=request.user, mailing=mailing)
    messages.success(request, f"{n} courriel(s) remis en file d'envoi.")
    return redirect("mail:envoi", pk=mailing.pk)


@login_required
def mailbox(request: HttpRequest) -> HttpResponse:
    """The demo's mailbox: what the e-mail backend kept instead of sending. A student sees the messages
    sent to them; staff see every message. Absent when e-mails really leave (SMTP)."""
    if settings.EMAIL_BACKEND != MAILBOX_BACKEND:
        raise Http404("Pas de boîte de démonstration : les courriels partent par le serveur SMTP.")
    roles = perm.roles_of(request.user)
    messages_ = MailboxMessage.objects.all()
    if not (roles.admin or roles.by_department):
        addresses = {a for a in [request.user.email, getattr(getattr(request.user, "student", None), "email", "")]
                     if a}
        query = Q(pk__in=[])
        for address in addresses:
            query |= Q(recipients__icontains=address)
        messages_ = messages_.filter(query)
    return render(request, "mail/boite.html", {"mailbox_messages": messages_[:200]})





@login_required
@require_POST
def alerts_test(request: HttpRequest, pk: int) -> HttpResponse:
    dep = _department(request, pk)
    try:
        address = alertes.send_test(user=request.user, department=dep)
    except services.MailError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Essai d'alerte envoyé à {address}.")
    return redirect(f"{reverse('mail:departement', args=[dep.pk])}#alertes")
