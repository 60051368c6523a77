"""The student's life on the web (issue 13, item 5): add a student to a semester, and on the student's
management page correct the identity, record a démission/défaillance, unenrol. Views stay thin: the
writes are ``services.etudiants``; only the department's scolarité (and an administrator) may."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from delibe.engine.inscription import ETATS_SORTIE
from delibe.web import permissions as perm
from delibe.web.models import Civilite, Enrolment, Student
from delibe.web.selectors.etudiants import managed_enrolment, managed_student
from delibe.web.services import etudiants as service
from delibe.web.services.formations import formation_model
from delibe.web.views.pages import get_run

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IdentityForm(forms.Form):
    nip = forms.CharField(label="NIP", max_length=20)
    ine = forms.CharField(label="INE", max_length=20, required=False)
    nom = forms.CharField(label=gettext_lazy("Nom"), max_length=120)
    prenom = forms.CharField(label=gettext_lazy("Prénom"), max_length=120)
    civilite = forms.ChoiceField(label=gettext_lazy("Civilité"), required=False,
                                 choices=[("", "—"), *Civilite.choices])
    date_naissance = forms.DateField(label=gettext_lazy("Date de naissance"), required=False, widget=DATE)
    email = forms.EmailField(label=gettext_lazy("Courriel"), required=False)


class AddForm(IdentityForm):
    parcours = forms.ChoiceField(label=gettext_lazy("Parcours"))
    groupe = forms.CharField(label=gettext_lazy("Groupe"), max_length=40, required=False)
    inscrit_le = forms.DateField(label=gettext_lazy("Inscrit le (si le semestre a déjà des notes ; par défaut : "
                                                    "aujourd'hui)"), required=False, widget=DATE)
    avant_inscription = forms.ChoiceField(
        label=gettext_lazy("Notes des évaluations antérieures à l'inscription"),
        choices=[("EXC", gettext_lazy("EXC : neutralisées")), ("ATT", gettext_lazy("ATT : en attente d'un rattrapage"))])

    def __init__(self, *args: object, parcours: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's Form takes *args untyped
        self.fields["parcours"].choices = parcours


class ContractForm(forms.Form):
    employeur = forms.CharField(label=gettext_lazy("Employeur"), max_length=200)
    tuteur = forms.CharField(label=gettext_lazy("Maître d'apprentissage"), max_length=200, required=False)
    tuteur_email = forms.EmailField(label=gettext_lazy("Courriel du maître d'apprentissage"), required=False,
                                    help_text=gettext_lazy("Reçoit le relevé mensuel d'assiduité et les alertes d'absences."))
    cfa = forms.CharField(label=gettext_lazy("CFA"), max_length=200, required=False)
    cfa_email = forms.EmailField(label=gettext_lazy("Courriel du CFA"), required=False,
                                 help_text=gettext_lazy("Reçoit le relevé mensuel d'assiduité."))
    debut = forms.DateField(label=gettext_lazy("Début du contrat"), widget=DATE)
    fin = forms.DateField(label=gettext_lazy("Fin du contrat"), widget=DATE)


def _contract_form(student: Student, data: object = None) -> ContractForm:
    contract = getattr(student, "apprenticeship", None)
    initial = {name: getattr(contract, name) for name in service.CONTRACT_FIELDS} if contract is not None else {}
    return ContractForm(data, prefix="contrat", initial=initial)  # type: ignore[arg-type]  # QueryDict or None


class ExitForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("État"), choices=[
        ("DEM", gettext_lazy("DEM — démission")), ("DEF", gettext_lazy("DEF — défaillance")),
        ("I", gettext_lazy("I — inscrit (annuler une démission ou une défaillance)"))])
    date = forms.DateField(label=gettext_lazy("Date"), required=False, widget=DATE)
    motif = forms.CharField(label=gettext_lazy("Motif (facultatif)"), required=False, max_length=500)


class UnenrolForm(forms.Form):
    confirmer = forms.BooleanField(label=gettext_lazy("Je confirme : ses notes de ce semestre seront supprimées"),
                                   required=False)
    motif = forms.CharField(label=gettext_lazy("Motif (obligatoire s'il a des notes)"), required=False,
                            max_length=500)


def _student(request: HttpRequest, pk: int) -> Student:
    return managed_student(request.user, pk)


def _enrolment(request: HttpRequest, pk: int, enrolment_pk: int) -> Enrolment:
    return managed_enrolment(request.user, pk, enrolment_pk)


def _forms_error(form: forms.Form, error: service.StudentError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The management page: identity form, then each enrolment with its état and its unenrolment."""
    student = _student(request, pk)
    identity = IdentityForm(request.POST or None, initial={
        name: getattr(student, name) for name in service.IDENTITY_FIELDS}, prefix="identite")
    if request.method == "POST" and identity.is_valid():
        try:
            changes = service.correct_identity(user=request.user, student=student, values=identity.cleaned_data)
        except service.StudentError as error:
            _forms_error(identity, error)
        else:
            if changes:
                messages.success(request, _("Identité corrigée : %(f)s (enregistré au journal).") % {
                    "f": ", ".join(f"{service.IDENTITY_FIELDS[k]} « {a or '—'} » → « {b or '—'} »"
                                   for k, (a, b) in changes.items())})
            else:
                messages.info(request, _("Aucun changement."))
            return redirect("delibe:etudiant_gerer", pk=pk)
    return _render(request, student, identity=identity)


@login_required
@require_POST
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    """The apprenticeship contract: employer, tutor, CFA and their addresses, dates (scolarité)."""
    student = _student(request, pk)
    form = _contract_form(student, request.POST)
    if form.is_valid():
        try:
            changes = service.update_contract(user=request.user, student=student, values=form.cleaned_data)
        except service.StudentError as error:
            _forms_error(form, error)
        else:
            messages.success(request, _("Contrat d'apprentissage enregistré (journal).") if changes
                             else _("Aucun changement."))
            return redirect("delibe:etudiant_gerer", pk=pk)
    return _render(request, student, contract_form=form, status=400)


def _render(request: HttpRequest, student: Student, *, identity: forms.Form | None = None,
            bound: dict[int, dict[str, forms.Form]] | None = None, status: int = 200,
            contract_form: forms.Form | None = None) -> HttpResponse:
    enrolments = []
    for e in student.enrolments.select_related("semester__formation", "semester__academic_year").order_by(
            "semester__academic_year__label", "semester__semestre"):
        mine = (bound or {}).get(e.pk, {})
        enrolments.append({
            "enrolment": e, "grades": service.grades_of(e),
            "exit": mine.get("exit") or ExitForm(prefix=f"sortie-{e.pk}", initial={
                "code": e.etat if e.etat in ETATS_SORTIE else ETATS_SORTIE[0], "date": e.etat_le}),
            "unenrol": mine.get("unenrol") or UnenrolForm(prefix=f"desinscrire-{e.pk}"),
        })
    return render(request, "delibe/etudiant_gerer.html", {
        "student": student, "identity": identity or IdentityForm(prefix="identite", initial={
            name: getattr(student, name) for name in service.IDENTITY_FIELDS}),
        "enrolments": enrolments, "contract": contract_form or _contract_form(student),
        "has_contract": getattr(student, "apprenticeship", None) is not None,
    }, status=status)


@login_required
@require_POST
def exit_(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk, enrolment_pk)
    form = ExitForm(request.POST, prefix=f"sortie-{enrolment.pk}")
    if form.is_valid():
        try:
            service.record_exit(user=request.user, enrolment=enrolment, code=form.cleaned_data["code"],
                                date=form.cleaned_data["date"], reason=form.cleaned_data["motif"])
        except service.StudentError as error:
            _forms_error(form, error)
        else:
            code = form.cleaned_data["code"]
            messages.success(request, _("%(s)s, %(r)s : %(c)s.") % {
                "s": enrolment.student, "r": enrolment.semester,
                "c": {"DEM": _("démission enregistrée"), "DEF": _("défaillance enregistrée")}.get(
                    code, _("retour à l'état inscrit enregistré"))})
            return redirect("delibe:etudiant_gerer", pk=pk)
    return _render(request, enrolment.student, bound={enrolment.pk: {"exit": form}}, status=400)


@login_required
@require_POST
def unenrol(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk, enrolment_pk)
    form = UnenrolForm(request.POST, prefix=f"desinscrire-{enrolment.pk}")
    if form.is_valid():
        try:
            deleted = service.unenrol(user=request.user, enrolment=enrolment,
                                      confirm=form.cleaned_data["confirmer"], reason=form.cleaned_data["motif"])
        except service.StudentError as error:
            form.add_error("motif", str(error))
        else:
            messages.success(request, _("%(s)s désinscrit(e) de %(r)s (%(n)d note(s) supprimée(s)).") % {
                "s": enrolment.student, "r": enrolment.semester, "n": deleted})
            return redirect("delibe:etudiant_gerer", pk=pk)
    return _render(request, enrolment.student, bound={enrolment.pk: {"unenrol": form}}, status=400)


@login_required
def add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add one student by hand to a semester."""
    run = get_run(request, pk)
    perm.require(perm.can_manage_students(request.user, run.formation.department_id))
    parcours = [(p.code, f"{p.code} — {p.libelle}") for p in formation_model(run.formation).parcours]
    form = AddForm(request.POST or None, parcours=parcours, initial={"avant_inscription": "EXC"})
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = service.add_student(user=request.user, run=run, **form.cleaned_data)
        except service.StudentError as error:
            _forms_error(form, error)
        else:
            messages.success(request, _("%(s)s inscrit(e) en %(r)s.") % {"s": enrolment.student, "r": run})
            return redirect("delibe:etudiant", pk=enrolment.student_id)
    return render(request, "delibe/etudiant_ajouter.html", {"run": run, "form": form},
                  status=400 if request.method == "POST" else 200)


# --- change of parcours (issue 13): preview, then confirm ---------------------------------------------

class ParcoursForm(forms.Form):
    parcours = forms.ChoiceField(label=gettext_lazy("Nouveau parcours"))
    manquantes = forms.ChoiceField(
        label=gettext_lazy("Évaluations des nouveaux modules où l'étudiant n'a pas de note"), required=False,
        choices=[("EXC", gettext_lazy("EXC : neutralisées (par défaut)")),
                 ("ATT", gettext_lazy("ATT : en attente d'une note")),
                 ("", gettext_lazy("Laisser vides (l'évaluation redevient incomplète pour tous)"))])
    motif = forms.CharField(label=gettext_lazy("Motif (facultatif, gardé au journal)"), required=False,
                            max_length=500)

    def __init__(self, *args: object, parcours: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's Form takes *args untyped
        self.fields["parcours"].choices = parcours


@login_required
def parcours(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """GET: choose the new parcours; POST « apercu »: what changes; POST « confirmer »: the change."""
    from django.shortcuts import get_object_or_404

    from delibe.web.services import parcours as parcours_service

    student = get_object_or_404(Student.objects.select_related("department", "formation"), pk=pk)
    perm.require_visible(perm.can_view_department(request.user, student.department_id))
    perm.require(perm.can_change_parcours(request.user, student.department_id))
    enrolment = get_object_or_404(Enrolment.objects.select_related(
        "semester__formation", "semester__academic_year", "student"), pk=enrolment_pk, student=student)
    run = enrolment.semester
    choices = [(p.code, f"{p.code} — {p.libelle}") for p in formation_model(run.formation).parcours
               if p.code != enrolment.parcours]
    form = ParcoursForm(request.POST if request.method == "POST" else None, parcours=choices,
                        initial={"manquantes": "EXC"})
    change = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if "confirmer" in request.POST:
                    change = parcours_service.change_parcours(
                        user=request.user, enrolment=enrolment, nouveau=data["parcours"],
                        manquantes=data["manquantes"], reason=data["motif"])
                    messages.success(request, _("%(s)s suit désormais le parcours %(p)s (%(n)s) : enregistré au "
                                                "journal.") % {
                        "s": student, "p": change.nouveau, "n": ", ".join(c.label for c in change.semestres)})
                    return redirect("delibe:etudiant", pk=pk)
                change = parcours_service.preview(enrolment, data["parcours"])
                status = 200
            except parcours_service.StudentError as error:
                _forms_error(form, error)
                change = None
    return render(request, "delibe/etudiant_parcours.html", {
        "student": student, "enrolment": enrolment, "form": form, "change": change,
        "locked": run.locked}, status=status)


# --- several démissions at once (issue 13) --------------------------------------------------------------

class ExitsForm(forms.Form):
    etudiants = forms.MultipleChoiceField(label=gettext_lazy("Étudiants"), widget=forms.CheckboxSelectMultiple)
    code = forms.ChoiceField(label=gettext_lazy("État"), choices=[
        ("DEM", gettext_lazy("DEM — démission")), ("DEF", gettext_lazy("DEF — défaillance"))])
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    motif = forms.CharField(label=gettext_lazy("Motif (facultatif, gardé au journal)"), required=False,
                            max_length=500)

    def __init__(self, *args: object, students: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's Form takes *args untyped
        self.fields["etudiants"].choices = students


@login_required
def exits(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick several students of the semester, then a dated DEM or DEF: preview, then confirm (all or nothing)."""
    from delibe.collation import student_key

    run = get_run(request, pk)
    perm.require(perm.can_manage_students(request.user, run.formation.department_id))
    enrolments = sorted(run.enrolments.select_related("student"), key=lambda e: student_key(e.student))
    students = [(str(e.pk), f"{e.student} ({e.student.nip})" + (f" — {e.etat}" if e.etat != "I" else ""))
                for e in enrolments]
    form = ExitsForm(request.POST if request.method == "POST" else None, students=students,
                     initial={"code": "DEM"})
    lines = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            ids = [int(i) for i in data["etudiants"]]
            try:
                if "confirmer" in request.POST:
                    done = service.record_exits(user=request.user, run=run, enrolment_ids=ids, code=data["code"],
                                                date=data["date"], reason=data["motif"])
                    messages.success(request, _("%(c)s enregistrée pour %(n)d étudiant(s) le %(d)s (au journal).") % {
                        "c": {"DEM": _("Démission"), "DEF": _("Défaillance")}[data["code"]], "n": len(done),
                        "d": data["date"].strftime("%d/%m/%Y")})
                    return redirect("delibe:semestre", pk=run.pk)
                lines = service.exits_preview(run, ids, data["code"], data["date"])
                status = 200
            except service.StudentError as error:
                _forms_error(form, error)
    return render(request, "delibe/demissions.html", {"run": run, "form": form, "lines": lines,
                                                       "problems": any(line.problem for line in lines or [])},
                  status=status)
