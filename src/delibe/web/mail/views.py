"""Pages of the e-mails: preview and send a semester's results, follow a mailing, the demo's mailbox.
Thin: the work is in ``mail.services``; every action checks ``permissions.can_produce_documents``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from delibe.web import permissions as perm
from delibe.web.context_processors import MAILBOX_BACKEND
from delibe.web.mail import services
from delibe.web.mail.models import MailboxMessage, Mailing, MailStatus
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
    return redirect("mail:envoi", pk=mailing.pk)


def _mailing(request: HttpRequest, pk: int) -> Mailing:
    mailing = get_object_or_404(Mailing.objects.select_related("run"), pk=pk)
    run = get_run(request, mailing.run_id)
    perm.require(perm.can_produce_documents(request.user, run))
    return mailing


@login_required
def mailing_page(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(request, pk)
    counts = services.counts(mailing)
    pending = counts[MailStatus.QUEUED] + counts[MailStatus.SENDING]
    rows = [(status, label, counts[status]) for status, label in MailStatus.choices if counts[status]]
    return render(request, "mail/envoi.html", {
        "mailing": mailing, "run": mailing.run, "rows": rows, "pending": pending,
        "mails": mailing.mails.select_related("student").order_by("student__nom", "student__prenom"),
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



