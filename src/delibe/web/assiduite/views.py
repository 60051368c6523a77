"""Pages: roll call per group and slot, CSV import, justifications, apprentices' monthly reports."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from delibe.calendrier import dernier_jour_de_cours
from delibe.collation import student_key
from delibe.imports import absences as absences_file
from delibe.reports import assiduite as reports
from delibe.web import permissions as perm
from delibe.web.assiduite import services
from delibe.web.assiduite.models import (
    AbsenceRecord,
    JustificationRecord,
    JustificationStatus,
    Nature,
)
from delibe.web.models import Department, SemesterRun, Student
from delibe.web.selectors.groupes import groupes_of, selected_groupe, students_of


def _run(request: HttpRequest, pk: int) -> SemesterRun:
    run = get_object_or_404(SemesterRun.objects.select_related("formation"), pk=pk)
    perm.require_visible(perm.can_view_semester(request.user, run))
    return run


@login_required
def appel(request: HttpRequest, pk: int) -> HttpResponse:
    """One page per group, date, slot and module: a checkbox per student, saved at once."""
    run = _run(request, pk)
    q = request.POST if request.method == "POST" else request.GET
    groupes = groupes_of(run)
    modules = sorted(perm.taught_modules(request.user, run)) if not perm.can_manage_semester(request.user, run) \
        else sorted({c for c in _modules(run)})
    # no ``groupe`` asked: the first group; ``groupe=`` (empty): every student of the semester
    groupe = selected_groupe(run, q["groupe"]) if "groupe" in q else (groupes[0] if groupes else None)
    module = q.get("module", modules[0] if modules else "")
    try:
        date = dt.date.fromisoformat(q.get("date", "")) if q.get("date") else _default_date(run)
    except ValueError:
        date = _default_date(run)
        messages.error(request, _("Date illisible : choisissez-la dans le calendrier."))
    # the slots the department declares for that day (half-days by default, or its hours)
    creneaux = services.slots_at(run.formation.department_id, date)
    creneau = absences_file.slot_code(q.get("creneau", ""), creneaux) or (
        q.get("creneau", "") if request.method == "POST" else creneaux[0][0])  # a bad slot posted: refused below
    students = sorted(students_of(run, groupe), key=student_key)
    if request.method == "POST":
        perm.require(services.can_record(request.user, run, module), _("Vous n'enseignez pas ce module."))
        try:
            absents = _ids(request.POST.getlist("absent"))
            retards = _ids(request.POST.getlist("retard"))
            n = services.record_group(request.user, run, groupe, date, creneau, module, absents, retards)
            messages.success(request, _("Appel enregistré : %(n)d absence(s) ou retard(s).") % {"n": n})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        query = urlencode({"groupe": groupe.pk if groupe else "", "module": module, "date": date.isoformat(), "creneau": creneau})
        return redirect(f"{request.path}?{query}")
    existing = AbsenceRecord.objects.filter(semester=run, date=date, creneau=creneau, module_code=module,
                                            student__in=students)
    absent_ids = {a.student_id for a in existing if a.nature == Nature.ABSENCE}
    late_ids = {a.student_id for a in existing if a.nature == Nature.RETARD}
    titles = _module_titles(run)
    return render(request, "assiduite/appel.html", {
        "run": run, "groupes": groupes, "modules": [(m, titles.get(m, "")) for m in modules], "groupe": groupe,
        "module": module, "module_titre": titles.get(module, ""), "date": date, "creneau": creneau,
        "creneau_label": dict(creneaux)[creneau], "creneaux": creneaux,
        "hors_semestre": bool(run.debut and run.fin and not run.debut <= date <= run.fin),
        "lieu": services.lieu_of(run, groupe.name if groupe else "", date),
        "rows": [(s, s.pk in absent_ids, s.pk in late_ids) for s in students],
        "can_record": services.can_record(request.user, run, module),
        "is_secretariat": perm.roles_of(request.user).has(run.formation.department_id, services.SECRETARIAT),
    })


def _ids(raw: list[str]) -> list[int]:
    """Student ids sent by the roll-call checkboxes; anything else is a clear error, not a 500."""
    if not all(v.strip().isdigit() and len(v.strip()) < 19 for v in raw):
        raise ValidationError(_("Formulaire d'appel illisible : rechargez la page et cochez à nouveau."))
    return [int(v) for v in raw]


def _default_date(run: SemesterRun) -> dt.date:
    """The last teaching day (no weekend, no public holiday: ``delibe.calendrier``; none of the school
    holidays the department declares) up to today while the semester runs; otherwise up to its nearest end
    (a past semester: its last teaching day)."""
    day = dt.date.today()
    if run.debut and day < run.debut:
        day = run.debut
    if run.fin and day > run.fin:
        day = run.fin
    return dernier_jour_de_cours(day, run.debut, services.holidays_of(run.formation.department_id))


def _module_titles(run: SemesterRun) -> dict[str, str]:
    from delibe.web.services.formations import formation_model

    return {m.code: m.titre for m in formation_model(run.formation).modules if m.semestre == run.semestre}


def _modules(run: SemesterRun) -> list[str]:
    from delibe.web.services.formations import formation_model

    return [m.code for m in formation_model(run.formation).modules if m.semestre == run.semestre]


@login_required
def import_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    perm.require(perm.roles_of(request.user).has(run.formation.department_id, services.SECRETARIAT))
    errors: list[str] = []
    if request.method == "POST" and request.FILES.get("fichier"):
        text = request.FILES["fichier"].read().decode("utf-8-sig", errors="replace")
        try:
            n = services.import_absences(request.user, run, text)
            messages.success(request, _("%(n)d absence(s) importée(s).") % {"n": n})
            return redirect(request.path)
        except ValidationError as error:
            errors = error.messages
    return render(request, "assiduite/import.html", {"run": run, "errors": errors,
                                                     "creneaux": services.slots_at(run.formation.department_id)})


@login_required
def justificatifs(request: HttpRequest) -> HttpResponse:
    """Secretariat: pending justifications of its departments, validate or refuse."""
    departments = [d.pk for d in perm.visible_departments(request.user)
                   if perm.roles_of(request.user).has(d.pk, services.SECRETARIAT)]
    perm.require(bool(departments), _("Réservé à la scolarité."))
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("nip"):
        student = Student.objects.filter(nip=request.POST["nip"].strip(), department_id__in=departments).first()
        try:
            if student is None:
                raise ValidationError("NIP inconnu dans vos départements : vérifiez le numéro de l'étudiant.")
            services.submit_justification(
                request.user, student, dt.date.fromisoformat(request.POST.get("debut", "")),
                dt.date.fromisoformat(request.POST.get("fin", "")), request.POST.get("motif", "").strip(),
                request.FILES.get("piece"), **_slots_posted(request, student.department_id))
            messages.success(request, _("Justificatif de %(s)s enregistré et validé.") % {"s": student})
            return redirect(request.path)
        except ValueError:
            errors = [_("Dates illisibles : choisissez le début et la fin dans le calendrier.")]
        except ValidationError as error:
            errors = error.messages
    elif request.method == "POST":
        pk = request.POST.get("justification", "").strip()
        if not pk.isdigit() or len(pk) > 18:
            errors = [_("Justificatif inconnu : rechargez la page et choisissez-le dans la liste.")]
            return render(request, "assiduite/justificatifs.html", {
                "pending": _pending(departments), "errors": errors, "creneaux": _slots_of(departments)}, status=400)
        j = get_object_or_404(JustificationRecord, pk=int(pk), student__department_id__in=departments)
        services.decide_justification(request.user, j, request.POST.get("decision") == "valider")
        messages.success(request, _("Justificatif de %(s)s : %(statut)s.") % {"s": j.student, "statut": j.get_statut_display()})
        return redirect(request.path)
    return render(request, "assiduite/justificatifs.html", {"pending": _pending(departments), "errors": errors,
                                                            "creneaux": _slots_of(departments)})


def _slots_of(departments: list[int]) -> list[tuple[str, str]]:
    """The slots of the roll call today in these departments (each once, in the order of the day)."""
    from delibe.engine.assiduite import plage

    slots = {code: label for d in departments for code, label in services.slots_at(d)}
    return sorted(slots.items(), key=lambda item: plage(item[0]))


def _slots_posted(request: HttpRequest, department_id: int) -> dict[str, str]:
    """The optional first and last slots of a justification, checked against the department's slots."""
    allowed = [*services.slots_at(department_id), *services.HALF_DAYS]
    out = {}
    for name in ("creneau_debut", "creneau_fin"):
        raw = request.POST.get(name, "").strip()
        code = absences_file.slot_code(raw, allowed) if raw else ""
        if code is None:
            raise ValidationError(_("Créneau « %(c)s » inconnu : choisissez-le dans la liste.") % {"c": raw[:20]})
        out[name] = code
    return out


def _pending(departments: list[int]) -> Any:
    return JustificationRecord.objects.filter(student__department_id__in=departments,
                                              statut=JustificationStatus.SOUMISE).select_related("student")


@login_required
def mon_justificatif(request: HttpRequest) -> HttpResponse:
    """A student submits a justification for themself (validated later by the secretariat)."""
    student = get_object_or_404(Student, user=request.user)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.submit_justification(
                request.user, student, dt.date.fromisoformat(request.POST.get("debut", "")),
                dt.date.fromisoformat(request.POST.get("fin", "")), request.POST.get("motif", "").strip(),
                request.FILES.get("piece"), **_slots_posted(request, student.department_id))
            messages.success(request, _("Justificatif déposé : la scolarité va le valider."))
            return redirect(request.path)
        except ValueError:
            errors = [_("Dates illisibles : choisissez le début et la fin dans le calendrier.")]
        except ValidationError as error:
            errors = error.messages
    return render(request, "assiduite/mon_justificatif.html", {"student": student, "errors": errors,
                                                               "creneaux": services.slots_at(student.department_id)})


@login_required
def rapports(request: HttpRequest, pk: int) -> HttpResponse:
    """Secretariat: choose a month, then download each employer's report (CSV, PDF) or a zip of all."""
    department = get_object_or_404(Department, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.roles_of(request.user).has(department.pk, services.SECRETARIAT))
    mois = request.GET.get("mois", "")
    try:
        annee, m = (int(x) for x in mois.split("-"))
        dt.date(annee, m, 1)
    except ValueError:
        return render(request, "assiduite/rapports.html", {"department": department, "mois": "", "reports": []})
    found = services.monthly_reports(department.pk, annee, m)
    fmt, employeur = request.GET.get("format"), request.GET.get("employeur")
    if fmt == "zip":
        return _download(reports.rapports_zip(found), "application/zip", f"assiduite-{mois}.zip")
    if fmt in ("csv", "pdf") and employeur is not None:
        report = next((r for r in found if r.employeur == employeur), None)
        perm.require_visible(report is not None)
        stem = f"assiduite-{mois}-{reports._slug(employeur)}"
        if fmt == "csv":
            return _download(reports.rapport_csv(report).encode("utf-8-sig"), "text/csv; charset=utf-8", f"{stem}.csv")
        return _download(reports.rapport_pdf(report), "application/pdf", f"{stem}.pdf")
    return render(request, "assiduite/rapports.html", {"department": department, "mois": mois, "reports": found})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def piece(request: HttpRequest, pk: int) -> HttpResponse:
    """The proof attached to a justification: the student themself or the secretariat of their department."""
    from django.http import FileResponse

    j = get_object_or_404(JustificationRecord.objects.select_related("student"), pk=pk)
    allowed = perm.is_self(request.user, j.student) or perm.roles_of(request.user).has(
        j.student.department_id, services.SECRETARIAT)
    perm.require_visible(allowed and bool(j.piece))
    return FileResponse(j.piece.open("rb"), as_attachment=True, filename=j.piece.name.rsplit("/", 1)[-1])
