"""People (issue 13, item 2): accounts and roles per department, the invitation link, and the
responsable and enseignants of each module of a semester. Thin views: the services check, write and
journal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from delibe.web import permissions as perm
from delibe.web.models import Membership, Role
from delibe.web.selectors.people import account_history
from delibe.web.services import accounts, teaching
from delibe.web.views.pages import get_run


def _role_choices(request: HttpRequest) -> list[tuple[str, str]]:
    """The roles one may give, the administrator's last (never the default choice)."""
    admin = perm.roles_of(request.user).admin
    roles = [(value, label) for value, label in Role.choices if value != Role.ADMIN]
    return [*roles, *([(Role.ADMIN.value, Role.ADMIN.label)] if admin else [])]


class AccountForm(forms.Form):
    username = forms.CharField(label=_("Identifiant"), max_length=150,
                               help_text=_("Sans espace, ex. « jdupont » (celui de l'ENT si possible)."))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    email = forms.EmailField(label=_("Courriel"), help_text=_("L'invitation à choisir un mot de passe y est envoyée."))
    role = forms.ChoiceField(label=_("Rôle"), initial=Role.ENSEIGNANT)
    department = forms.ChoiceField(label=_("Département"), required=False,
                                   help_text=_("Sans objet pour le rôle Administrateur (tous les départements)."))

    def __init__(self, *args: Any, roles: list[tuple[str, str]], departments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fields["department"].choices = [(str(d.pk), str(d)) for d in departments]


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """The accounts of the departments the user manages, and the form to create one."""
    perm.require(perm.can_manage_people(request.user),
                 "Seuls l'administrateur et la scolarité gèrent les comptes et les rôles.")
    departments = perm.people_departments(request.user)
    form = AccountForm(request.POST or None, roles=_role_choices(request), departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department_id = int(data["department"]) if data["department"] and data["role"] != Role.ADMIN else None
        try:
            user = accounts.create_account(
                actor=request.user, username=data["username"], email=data["email"], first_name=data["first_name"],
                last_name=data["last_name"], department_id=department_id, role=data["role"])
        except accounts.AccountError as error:
            form.add_error(None, str(error))
        except PermissionDenied as error:
            form.add_error("department", str(error))
        else:
            try:
                link = accounts.invite(actor=request.user, user=user, request=request)
            except accounts.AccountError as error:
                messages.warning(request, str(error))
            else:
                messages.success(request, _("Compte « %(u)s » créé ; invitation envoyée à %(m)s (lien : %(l)s).")
                                 % {"u": user.username, "m": user.email, "l": link})
            return redirect("delibe:personne", pk=user.pk)
    User = get_user_model()
    users = User.objects.order_by("last_name", "first_name", "username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("department")))
    if not perm.roles_of(request.user).admin:
        users = users.filter(memberships__department__in=departments).distinct()
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query))
    return render(request, "delibe/personnes.html", {
        "users": list(users[:500]), "form": form, "q": query,
    }, status=400 if form.errors else 200)


class RolesForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), initial=Role.ENSEIGNANT)
    departments = forms.MultipleChoiceField(label=_("Départements"), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, roles: list[tuple[str, str]], departments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fields["departments"].choices = [(str(d.pk), str(d)) for d in departments]


def _target(request: HttpRequest, pk: int) -> Any:
    target = get_object_or_404(get_user_model(), pk=pk)
    perm.require(perm.can_manage_people(request.user),
                 "Seuls l'administrateur et la scolarité gèrent les comptes et les rôles.")
    perm.require_visible(perm.can_see_account(request.user, target))
    return target


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: its roles (remove one; give one in several departments), its state, its invitation."""
    target = _target(request, pk)
    departments = perm.people_departments(request.user)
    form = RolesForm(request.POST or None, roles=_role_choices(request), departments=departments)
    if request.method == "POST" and form.is_valid():
        ids = [int(d) for d in form.cleaned_data["departments"]]
        try:
            added = accounts.grant_roles(actor=request.user, user=target, role=form.cleaned_data["role"],
                                         department_ids=ids)
        except accounts.AccountError as error:
            form.add_error("departments", str(error))
        else:
            messages.success(request, _("%(n)d rôle(s) ajouté(s).") % {"n": added})
            return redirect("delibe:personne", pk=target.pk)
    memberships = list(target.memberships.select_related("department").order_by("department__code", "role"))
    for m in memberships:
        m.removable = perm.can_grant_role(request.user, m.department_id, m.role)
    return render(request, "delibe/personne.html", {
        "target": target, "memberships": memberships, "form": form,
        "can_manage": perm.can_manage_account(request.user, target), "history": account_history(target),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def person_role_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    target = _target(request, pk)
    membership = get_object_or_404(Membership.objects.select_related("department", "user"), pk=membership_pk,
                                   user=target)
    try:
        accounts.revoke_role(actor=request.user, membership=membership)
    except accounts.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Rôle retiré."))
    return redirect("delibe:personne", pk=target.pk)


@login_required
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    active = request.POST.get("actif") == "1"
    accounts.set_active(actor=request.user, user=target, active=active, reason=request.POST.get("motif", ""))
    messages.success(request, _("Compte réactivé.") if active else _("Compte désactivé : la personne ne peut plus "
                                                                     "se connecter."))
    return redirect("delibe:personne", pk=target.pk)


@login_required
@require_POST
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    try:
        link = accounts.invite(actor=request.user, user=target, request=request)
    except accounts.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Invitation envoyée à %(m)s (lien : %(l)s).") % {"m": target.email, "l": link})
    return redirect("delibe:personne", pk=target.pk)


class InvitationView(auth_views.PasswordResetConfirmView):
    """The invitation link: choose a password (Django's one-time password-reset token)."""

    template_name = "delibe/invitation.html"
    success_url = reverse_lazy("delibe:invitation_faite")
    post_reset_login = False


invitation = InvitationView.as_view()
invitation_done = auth_views.PasswordResetCompleteView.as_view(template_name="delibe/invitation_faite.html")


# --- modules of a semester -------------------------------------------------------------------------

@login_required
def teaching_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Each module of the semester with its responsable and enseignants; one form per module."""
    run = get_run(request, pk)
    perm.require(perm.can_manage_semester(request.user, run),
                 "Seuls la scolarité et le responsable de formation attribuent les modules.")
    editable = perm.can_assign_teaching(request.user, run)
    error, error_module = "", ""
    if request.method == "POST":
        module_code = request.POST.get("module", "")
        try:
            responsable = int(request.POST["responsable"]) if request.POST.get("responsable") else None
            enseignants = [int(v) for v in request.POST.getlist("enseignants")]
        except ValueError:
            error, error_module = "Enseignant mal désigné : choisissez-le dans la liste.", module_code
        else:
            try:
                changed = teaching.set_module_staff(actor=request.user, run=run, module_code=module_code,
                                                    responsable_id=responsable, enseignant_ids=enseignants)
            except teaching.TeachingError as failure:
                error, error_module = str(failure), module_code
            else:
                messages.success(request, _("Module %(m)s enregistré.") % {"m": module_code} if changed
                                 else _("Module %(m)s : rien n'a changé.") % {"m": module_code})
                anchor = next((m.anchor for m in teaching.module_staff(run) if m.code == module_code), "")
                return redirect(f"{request.path}#{anchor}")
    return render(request, "delibe/enseignements.html", {
        "run": run, "modules": teaching.module_staff(run), "candidates": teaching.teacher_candidates(run),
        "editable": editable, "error": error, "error_module": error_module,
    }, status=400 if error else 200)
