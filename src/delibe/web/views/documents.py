"""Documents from the web: bulletin (page, PDF, JSON), PV de jury (PDF, XLSX), lettre, relevé and
attestation of the DUT/BUT, fiche formation, and every document of a semester as a zip built in the
background. Views are thin: a permission (``delibe.web.permissions``), a service
(``services.documents``, ``services.document_batches``), a renderer (``delibe.reports``).

Who sees what: a student their own bulletins (the jury's decisions once the jury is closed) and their own
letter and diploma documents, never another's (404); the scolarité, the responsable and the président
(those who read the jury) every document of their department; an enseignant none (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delibe.collation import by_name
from delibe.web import permissions as perm
from delibe.web.models import Enrolment, FormationVersion, JuryDecision, SemesterRun, Student
from delibe.web.selectors.department_settings import run_document_settings
from delibe.web.selectors.groupes import groupes_of, in_groupe, selected_groupe
from delibe.web.services import document_batches as batches
from delibe.web.services import documents as docs
from delibe.web.views.pages import get_run

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _slug(text: str) -> str:
    from delibe.reports.batch import slug

    return slug(text)


def _error_page(request: HttpRequest, error: Exception) -> HttpResponse:
    """409: the document cannot be produced in the current state (no decision yet, no diploma, a wrong
    settings file…); the page says why."""
    return render(request, "delibe/documents/erreur.html", {"error": str(error)}, status=409)


def _student(request: HttpRequest, student_pk: int) -> tuple[Student, bool]:
    """The student whose documents are asked for, and whether the reader is that student (who then sees
    only published decisions). Another student's documents are not found (404)."""
    student = get_object_or_404(Student.objects.select_related("department", "formation"), pk=student_pk)
    return student, perm.reads_as_self(request.user, student)


def _run_and_student(request: HttpRequest, pk: int, student_pk: int) -> tuple[SemesterRun, Student, bool]:
    student, for_student = _student(request, student_pk)
    run = get_object_or_404(SemesterRun.objects.select_related("formation__department", "academic_year"), pk=pk)
    perm.require_visible(Enrolment.objects.filter(student=student, semester=run).exists())
    return run, student, for_student


def _base_name(student: Student, run: SemesterRun) -> str:
    return _slug(f"{student.nip}-{student.nom.upper()}-{student.prenom}-S{run.semestre}-{run.academic_year.label}")


# --- bulletin --------------------------------------------------------------------------------------

def _bulletin(request: HttpRequest, pk: int, student_pk: int) -> tuple[Any, Student, SemesterRun, bool]:
    """The bulletin's data (or the error page to answer), the student, the run, and whether the reader is
    that student: what the page, the PDF and the JSON share."""
    run, student, for_student = _run_and_student(request, pk, student_pk)
    try:
        return docs.bulletin_data(student, run, for_student=for_student), student, run, for_student
    except docs.DocumentError as error:
        return _error_page(request, error), student, run, for_student


@login_required
def bulletin_page(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """The bulletin as a page: the very HTML of the PDF (same template), with its downloads."""
    from delibe.reports import bulletin

    data, student, run, for_student = _bulletin(request, pk, student_pk)
    if isinstance(data, HttpResponse):
        return data
    return render(request, "delibe/documents/bulletin.html", {
        "run": run, "student": student, "data": data, "document_html": bulletin.to_html(data),
        "for_student": for_student,
    })


@login_required
def bulletin_pdf(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    from delibe.reports import bulletin

    data, student, run, _ = _bulletin(request, pk, student_pk)
    if isinstance(data, HttpResponse):
        return data
    return _download(bulletin.to_pdf(data), f"bulletin-{_base_name(student, run)}.pdf", PDF)


@login_required
def bulletin_json(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    from delibe.reports import bulletin

    data, student, run, _ = _bulletin(request, pk, student_pk)
    if isinstance(data, HttpResponse):
        return data
    return _download(bulletin.to_json(data).encode("utf-8"), f"bulletin-{_base_name(student, run)}.json",
                     "application/json; charset=utf-8")


# --- lettre, relevé, attestation -------------------------------------------------------------------

@login_required
def lettre_pdf(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    from delibe.reports import lettre

    run, student, for_student = _run_and_student(request, pk, student_pk)
    perm.require_visible(not for_student or docs.published(run))
    try:
        data = docs.lettre_data(student, run)
    except docs.DocumentError as error:
        return _error_page(request, error)
    return _download(lettre.to_pdf(data), f"lettre-{_base_name(student, run)}.pdf", PDF)


@login_required
def diploma_pdf(request: HttpRequest, student_pk: int, diplome: str, kind: str) -> HttpResponse:
    from delibe.reports import diplome as diplome_docs

    student, for_student = _student(request, student_pk)
    if diplome not in ("DUT", "BUT") or kind not in ("releve", "attestation"):
        raise Http404("Introuvable.")
    try:
        if kind == "releve":
            content = diplome_docs.releve_pdf(docs.releve_data(student, diplome, for_student=for_student))
        else:
            content = diplome_docs.attestation_pdf(docs.attestation_data(student, diplome, for_student=for_student))
    except docs.DocumentError as error:
        return _error_page(request, error)
    return _download(content, f"{kind}-{diplome}-{_slug(student.nip + '-' + student.nom.upper())}.pdf", PDF)


@login_required
def student_documents(request: HttpRequest, student_pk: int) -> HttpResponse:
    """A student's documents: a bulletin per semester, the letters of the year juries, the diplomas."""
    student, for_student = _student(request, student_pk)
    enrolments = list(Enrolment.objects.filter(student=student).select_related(
        "semester__academic_year", "semester__formation").order_by("-semester__academic_year__label",
                                                                   "-semester__semestre"))
    decided = set(JuryDecision.objects.filter(student=student, level="annee")
                  .values_list("academic_year_id", "key"))
    rows = []
    for e in enrolments:
        run = e.semester
        lettre = run.semestre % 2 == 0 and (run.academic_year_id, f"BUT{run.annee_but}") in decided
        if for_student:
            lettre = lettre and docs.published(run)
        rows.append({"run": run, "lettre": lettre})
    try:
        diplomas = docs.diplomas_of(student, for_student=for_student)
    except docs.DocumentError as error:
        return _error_page(request, error)
    return render(request, "delibe/documents/etudiant.html", {
        "student": student, "rows": rows, "diplomas": diplomas, "for_student": for_student,
    })


# --- semester: PV and every document ---------------------------------------------------------------

def _jury_form(request: HttpRequest, run: SemesterRun) -> dict[str, Any]:
    """President, members and date of the jury: the form's values, else the department's settings."""
    settings = run_document_settings(run)
    source = request.POST if request.method == "POST" else request.GET
    return docs.jury_header(president=source.get("president"), membres=source.get("membres"),
                            date=source.get("date"), default_president=settings.president,
                            default_membres=settings.membres)


_STUDENT = 987654321  # a student id no table reaches, to find where the id goes in an address


def _around_student(name: str, *args: int) -> tuple[str, str]:
    """What comes before and after the student's id in the address ``name``: one reverse() for a list of
    600 students instead of four per student."""
    before, after = reverse(name, args=[*args, _STUDENT]).split(str(_STUDENT))
    return before, after


@login_required
def semester_documents(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_produce_documents(request.user, run))
    try:
        jury = _jury_form(request, run)
    except docs.DocumentError as error:
        return _error_page(request, error)
    groupe = selected_groupe(run, request.GET.get("groupe"))
    enrolments = by_name(in_groupe(run.enrolments.select_related("student"), groupe))
    lettres = set()
    if run.semestre % 2 == 0:
        lettres = set(JuryDecision.objects.filter(
            student_id__in=[e.student_id for e in enrolments], academic_year=run.academic_year, level="annee",
            key=f"BUT{run.annee_but}").values_list("student_id", flat=True))
    return render(request, "delibe/documents/semestre.html", {
        "run": run, "enrolments": enrolments, "lettres": lettres, "jury": jury,
        "links": {name: _around_student(f"delibe:{name}", run.pk) for name in (
            "documents_bulletin", "documents_bulletin_pdf", "documents_bulletin_json", "documents_lettre")}
        | {"documents_etudiant": _around_student("delibe:documents_etudiant")},
        "membres_text": "\n".join(jury["membres"]), "batches": batches.batches_of_run(run),
        "groups": groupes_of(run), "groupe": groupe,
        "can_edit_settings": perm.can_edit_department_settings(request.user, run.formation.department_id),
    })


@login_required
def pv_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from delibe.reports import pv

    if fmt not in ("pdf", "xlsx"):
        raise Http404("Format inconnu: pv.pdf ou pv.xlsx.")
    run = get_run(request, pk)
    perm.require(perm.can_produce_documents(request.user, run))
    try:
        data = docs.pv_data(run, **_jury_form(request, run))
    except docs.DocumentError as error:
        return _error_page(request, error)
    name = _slug(f"PV-jury-{run.formation.slug}-{'-'.join(f'S{s}' for s in data.semestres)}-"
                 f"{run.academic_year.label}")
    if fmt == "xlsx":
        return _download(pv.to_xlsx(data), f"{name}.xlsx", XLSX)
    return _download(pv.to_pdf(data), f"{name}.pdf", PDF)


@login_required
def fiche_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(FormationVersion.objects.select_related("department"), pk=pk)
    perm.require_visible(perm.can_view_formation(request.user, version.department_id))
    parcours = request.GET.get("parcours", "").strip() or None
    try:
        content = docs.fiche_pdf(version, parcours)
    except docs.DocumentError as error:
        return _error_page(request, error)
    return _download(content, _slug(f"fiche-{version.slug}-v{version.version}-{parcours or 'tous'}") + ".pdf", PDF)


# --- batch -----------------------------------------------------------------------------------------

@login_required
@require_POST
def batch_start(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_produce_documents(request.user, run))
    try:
        job_id = batches.start_batch(run, user=request.user, court=request.POST.get("court") == "1",
                                     groupe=selected_groupe(run, request.POST.get("groupe")), **_jury_form(request, run))
    except (docs.DocumentError, ValueError) as error:
        messages.error(request, str(error))
        return redirect("delibe:documents_semestre", pk=run.pk)
    except OSError as error:
        messages.error(request, _("Impossible d'écrire le lot dans %(dir)s (%(err)s) : vérifiez que ce dossier existe "
                                  "et que le serveur peut y écrire.") % {"dir": batches.batches_dir(),
                                                                          "err": error.strerror or error})
        return redirect("delibe:documents_semestre", pk=run.pk)
    return redirect("delibe:documents_lot", job_id=job_id)


def _batch(request: HttpRequest, job_id: str) -> tuple[batches.BatchStatus, SemesterRun]:
    try:
        status = batches.batch_status(job_id)
    except batches.BatchError:
        raise Http404("Lot introuvable.") from None
    run = get_run(request, status.run_id)
    perm.require(perm.can_produce_documents(request.user, run))
    return status, run


@login_required
def batch_page(request: HttpRequest, job_id: str) -> HttpResponse:
    status, run = _batch(request, job_id)
    return render(request, "delibe/documents/lot.html", {"status": status, "run": run})


@login_required
def batch_status(request: HttpRequest, job_id: str) -> JsonResponse:
    status, _run = _batch(request, job_id)
    return JsonResponse(status.as_dict(), headers={"Cache-Control": "no-store"})


@login_required
def batch_download(request: HttpRequest, job_id: str) -> FileResponse:
    status, _run = _batch(request, job_id)
    try:
        path = batches.batch_zip(job_id)
    except batches.BatchError:
        raise Http404(_("Le lot n'est pas encore prêt.")) from None
    return FileResponse(path.open("rb"), as_attachment=True, filename=status.filename, content_type="application/zip")
