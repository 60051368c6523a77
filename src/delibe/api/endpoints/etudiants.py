"""Students: the list (staff who read the jury: their departments; a student: themself), one record with
its enrolments, and the bulletin of a semester as JSON (``reports/schemas/bulletin.schema.json``)."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from pydantic import Field

from delibe.api.endpoints.common import Id, conflict, get_student, responses, run_summary, student_summary
from delibe.api.schemas import EtudiantDetail, PageEtudiants, Texte, finite
from delibe.web import permissions as perm
from delibe.web.models import Enrolment, SemesterRun, Student

router = Router(tags=["étudiants"])


@router.get("/etudiants", response=responses(PageEtudiants),
            summary="Étudiants (scolarité, responsable, président : leurs départements ; un étudiant : lui-même)")
def etudiants(
    request: HttpRequest,
    q: Annotated[Texte, Field(max_length=100)] = Query("", description="Nom, prénom ou NIP (contient)."),  # noqa: B008 (ninja reads parameters from Query() defaults)
    limit: Annotated[int, Field(ge=1, le=500)] = 100,
    offset: Annotated[int, Field(ge=0, le=10**6)] = 0,
) -> Any:
    roles = perm.roles_of(request.user)
    departments = [d.pk for d in perm.visible_departments(request.user) if roles.has(d.pk, perm.JURY_READERS)]
    students = Student.objects.filter(Q(department_id__in=departments) | Q(user_id=request.user.pk))
    query = q.strip()
    if query:
        students = students.filter(Q(nom__icontains=query) | Q(prenom__icontains=query) | Q(nip__icontains=query))
    students = students.select_related("department").order_by("nom", "prenom", "id")
    return {"total": students.count(), "items": [student_summary(s) for s in students[offset:offset + limit]]}


@router.get("/etudiants/{id}", response=responses(EtudiantDetail), summary="Un étudiant et ses inscriptions")
def etudiant(request: HttpRequest, id: Id) -> Any:
    student, _ = get_student(request, id)
    enrolments = (Enrolment.objects.filter(student=student).prefetch_related("group_memberships__groupe__partition")
                  .select_related("semester__formation__department", "semester__academic_year")
                  .order_by("semester__academic_year__label", "semester__semestre"))
    return {
        **student_summary(student), "ine": student.ine, "date_naissance": student.date_naissance,
        "email": student.email, "statut": student.status, "parcours": student.parcours,
        "formation_id": student.formation_id,
        "inscriptions": [{"id": e.pk, "etudiant": student.pk, "semestre": e.semester_id, "parcours": e.parcours,
                          "groupe": e.groupe, "redoublant": e.redoublant, "etat": e.etat,
                          "semestre_detail": run_summary(e.semester)} for e in enrolments],
    }


@router.get("/etudiants/{id}/bulletins/{semestre_id}", response=responses(dict[str, Any]),
            summary="Le bulletin d'un semestre (JSON du schéma bulletin de Délibé)",
            description="Le document de `src/delibe/reports/schemas/bulletin.schema.json`. Un étudiant voit les "
                        "décisions du jury une fois le jury clos, jamais une proposition ; le personnel voit les "
                        "propositions marquées provisoires.")
def bulletin(request: HttpRequest, id: Id, semestre_id: Id) -> Any:
    from delibe.reports import bulletin as bulletin_report
    from delibe.web.services import documents as docs

    student, for_student = get_student(request, id)
    run = get_object_or_404(SemesterRun.objects.select_related("formation__department", "academic_year"),
                            pk=semestre_id)
    perm.require_visible(Enrolment.objects.filter(student=student, semester=run).exists())
    try:
        data = docs.bulletin_data(student, run, for_student=for_student)
    except docs.DocumentError as error:
        raise conflict(str(error)) from None
    return finite(bulletin_report.to_dict(data))


