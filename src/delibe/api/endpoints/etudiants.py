"""Students: the list (staff who read the jury: their departments; a student: themself), one record with
its enrolments, and the bulletin of a semester as JSON (``reports/schemas/bulletin.schema.json``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from delibe.api.endpoints.common import Id, conflict, get_student, responses, run_summary, student_summary
from delibe.api.schemas import EtudiantDetail, PageEtudiants, Texte, finite
from delibe.collation import student_key
from delibe.web import permissions as perm
from delibe.web.models import Enrolment, SemesterRun, Student
from delibe.web.selectors.etudiants import managed_enrolment, managed_student

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
    # French order (delibe.collation), as every list of the application: the page is cut from it
    ordered = sorted(students.select_related("department"), key=student_key)
    return {"total": len(ordered), "items": [student_summary(s) for s in ordered[offset:offset + limit]]}


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




# --- the student's life (issue 13): the web's services, the scolarité's right --------------------------

def _managed(request: HttpRequest, id: int) -> Student:
    return managed_student(request.user, id)


def _inscription(request: HttpRequest, id: int, inscription_id: int) -> Enrolment:
    return managed_enrolment(request.user, id, inscription_id)


def _refused(error: Exception) -> Any:
    from delibe.api.endpoints.common import refusal

    return refusal(422, str(error), champ=getattr(error, "field", ""))


Court = Annotated[Texte, Field(max_length=120)]
Motif = Annotated[Texte, Field(max_length=500)]


class IdentiteIn(Schema):
    nip: Annotated[Texte, Field(max_length=20)] | None = None
    ine: Annotated[Texte, Field(max_length=20)] | None = None
    nom: Court | None = None
    prenom: Court | None = None
    civilite: Annotated[Texte, Field(max_length=3)] | None = None
    date_naissance: dt.date | None = None
    email: Annotated[Texte, Field(max_length=254)] | None = None
    motif: Motif = ""


class Changement(Schema):
    avant: str
    apres: str


class EtatIn(Schema):
    code: Annotated[Texte, Field(max_length=3, description="DEM (démission), DEF (défaillance) ou I (annuler).")]
    date: dt.date | None = None
    motif: Motif = ""


class DesinscriptionIn(Schema):
    confirmer: bool = False
    motif: Motif = ""


class AjoutIn(Schema):
    semestre: Annotated[int, Field(ge=1, le=2**31 - 1)]
    nip: Annotated[Texte, Field(max_length=20)]
    nom: Court
    prenom: Court
    parcours: Annotated[Texte, Field(max_length=40)]
    groupe: Annotated[Texte, Field(max_length=40)] = ""
    ine: Annotated[Texte, Field(max_length=20)] = ""
    civilite: Annotated[Texte, Field(max_length=3)] = ""
    date_naissance: dt.date | None = None
    email: Annotated[Texte, Field(max_length=254)] = ""
    inscrit_le: dt.date | None = None
    avant_inscription: Annotated[Texte, Field(max_length=3)] = "EXC"


class InscriptionOut(Schema):
    id: int
    etudiant: int
    semestre: int
    etat: str
    etat_le: dt.date | None
    inscrit_le: dt.date | None
    avant_inscription: str


def _inscription_out(e: Enrolment) -> dict[str, Any]:
    return {"id": e.pk, "etudiant": e.student_id, "semestre": e.semester_id, "etat": e.etat, "etat_le": e.etat_le,
            "inscrit_le": e.inscrit_le, "avant_inscription": e.avant_inscription}


@router.patch("/etudiants/{id}", response=responses(dict[str, Changement]),
              summary="Corriger l'identité d'un étudiant (scolarité) : les champs changés, avant → après")
def corriger(request: HttpRequest, id: Id, body: IdentiteIn) -> Any:
    from delibe.web.services import etudiants as service

    student = _managed(request, id)
    values = {k: v for k, v in body.dict(exclude={"motif"}).items() if v is not None}
    try:
        changes = service.correct_identity(user=request.user, student=student, values=values, reason=body.motif)
    except service.StudentError as error:
        raise _refused(error) from None
    return {k: {"avant": a, "apres": b} for k, (a, b) in changes.items()}


@router.post("/etudiants/{id}/inscriptions/{inscription_id}/etat", response=responses(InscriptionOut),
             summary="Démission (DEM) ou défaillance (DEF) datée, ou retour à l'état inscrit (I) — scolarité")
def etat(request: HttpRequest, id: Id, inscription_id: Id, body: EtatIn) -> Any:
    from delibe.web.services import etudiants as service

    enrolment = _inscription(request, id, inscription_id)
    try:
        enrolment = service.record_exit(user=request.user, enrolment=enrolment, code=body.code, date=body.date,
                                        reason=body.motif)
    except service.StudentError as error:
        raise _refused(error) from None
    return _inscription_out(enrolment)


@router.post("/etudiants/{id}/inscriptions/{inscription_id}/desinscription", response=responses(dict[str, int]),
             summary="Désinscrire d'un semestre (refusé s'il a des notes, sauf confirmé avec un motif) — scolarité")
def desinscrire(request: HttpRequest, id: Id, inscription_id: Id, body: DesinscriptionIn) -> Any:
    from delibe.web.services import etudiants as service

    enrolment = _inscription(request, id, inscription_id)
    try:
        deleted = service.unenrol(user=request.user, enrolment=enrolment, confirm=body.confirmer, reason=body.motif)
    except service.StudentError as error:
        raise conflict(str(error)) from None
    return {"notes_supprimees": deleted}


@router.post("/etudiants", response=responses(InscriptionOut, 201),
             summary="Ajouter un étudiant à un semestre (scolarité)")
def ajouter(request: HttpRequest, body: AjoutIn) -> Any:
    from ninja.responses import Status

    from delibe.api.endpoints.common import get_run
    from delibe.web.services import etudiants as service

    run = get_run(request, body.semestre)
    perm.require(perm.can_manage_students(request.user, run.formation.department_id))
    try:
        enrolment = service.add_student(user=request.user, run=run, **body.dict(exclude={"semestre"}))
    except service.StudentError as error:
        raise _refused(error) from None
    return Status(201, _inscription_out(enrolment))


class ParcoursIn(Schema):
    parcours: Annotated[Texte, Field(max_length=40, description="Code du nouveau parcours.")]
    manquantes: Annotated[Texte, Field(max_length=3, description="Évaluations des nouveaux modules sans note de "
                                                                  "l'étudiant : EXC (défaut), ATT ou \"\" (vides).")] = "EXC"
    motif: Motif = ""
    confirmer: bool = Field(False, description="Changer ; sinon, seulement l'aperçu.")


class SemestreParcours(Schema):
    inscription: int
    semestre: int
    ues_ajoutees: list[str]
    ues_retirees: list[str]
    modules_ajoutes: list[str]
    modules_retires: list[str]
    notes_ignorees: list[dict[str, str]]
    notes_reprises: list[dict[str, str]]
    evaluations_sans_note: list[int]


class ParcoursOut(Schema):
    ancien: str
    nouveau: str
    change: bool = Field(description="Vrai si le changement est enregistré (confirmer).")
    semestres: list[SemestreParcours]
    ues_capitalisees_gardees: list[str]
    ues_capitalisees_hors_parcours: list[str]
    decisions_a_revoir: int


@router.post("/etudiants/{id}/inscriptions/{inscription_id}/parcours", response=responses(ParcoursOut),
             summary="Changer de parcours (scolarité, responsable) : l'aperçu, ou le changement avec confirmer",
             description="Vaut pour l'inscription et les suivantes de la même année. Refusé (422, champ nommé) pour "
                         "un parcours inconnu ou non délivré, ou un semestre verrouillé. Les choix de Délibé (la loi est muette) sont expliqués à /aide/choix/.")
def changer_parcours(request: HttpRequest, id: Id, inscription_id: Id, body: ParcoursIn) -> Any:
    from delibe.web.services import parcours as service

    student = get_object_or_404(Student.objects.select_related("department"), pk=id)
    perm.require_visible(perm.can_view_department(request.user, student.department_id))
    perm.require(perm.can_change_parcours(request.user, student.department_id))
    enrolment = get_object_or_404(Enrolment.objects.select_related(
        "semester__formation", "semester__academic_year", "student"), pk=inscription_id, student=student)
    try:
        if body.confirmer:
            change = service.change_parcours(user=request.user, enrolment=enrolment, nouveau=body.parcours,
                                             manquantes=body.manquantes, reason=body.motif)
        else:
            change = service.preview(enrolment, body.parcours)
    except service.StudentError as error:
        raise _refused(error) from None
    return {
        "ancien": change.ancien, "nouveau": change.nouveau, "change": body.confirmer,
        "semestres": [{
            "inscription": s.enrolment.pk, "semestre": s.enrolment.semester_id,
            "ues_ajoutees": [c for c, _ in s.ues_gagnees], "ues_retirees": [c for c, _ in s.ues_perdues],
            "modules_ajoutes": [c for c, _ in s.modules_gagnes], "modules_retires": [c for c, _ in s.modules_perdus],
            "notes_ignorees": s.notes_ignorees, "notes_reprises": s.notes_reprises,
            "evaluations_sans_note": [e.pk for e in s.evaluations_sans_note]} for s in change.semestres],
        "ues_capitalisees_gardees": [k for k, _ in change.capitalisees_gardees],
        "ues_capitalisees_hors_parcours": [k for k, _ in change.capitalisees_hors_parcours],
        "decisions_a_revoir": len(change.decisions_a_revoir),
    }


class DemissionsIn(Schema):
    inscriptions: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(max_length=2000)
    code: Annotated[Texte, Field(max_length=3, description="DEM (démission) ou DEF (défaillance).")]
    date: dt.date
    motif: Motif = ""
    confirmer: bool = Field(False, description="Enregistrer ; sinon, seulement l'aperçu.")


class DemissionLigne(Schema):
    inscription: int
    etudiant: int
    nom: str
    evaluations_posterieures: int
    notes_posterieures: int
    probleme: str


@router.post("/semestres/{id}/demissions", response=responses(list[DemissionLigne]),
             summary="Démissions ou défaillances groupées d'un semestre (scolarité) : aperçu, ou tout ou rien",
             description="Sans `confirmer` : pour chacun, les évaluations postérieures à la date (plus de note "
                         "attendue) et les notes déjà saisies après elle (elles comptent). Avec : tout est "
                         "enregistré, ou rien (422, champ nommé) si une ligne a un problème.")
def demissions(request: HttpRequest, id: Id, body: DemissionsIn) -> Any:
    from delibe.api.endpoints.common import get_run
    from delibe.web.services import etudiants as service

    run = get_run(request, id)
    perm.require(perm.can_manage_students(request.user, run.formation.department_id))
    try:
        if body.confirmer:
            lines = service.record_exits(user=request.user, run=run, enrolment_ids=body.inscriptions, code=body.code,
                                         date=body.date, reason=body.motif)
        else:
            lines = service.exits_preview(run, body.inscriptions, body.code, body.date)
    except service.StudentError as error:
        raise _refused(error) from None
    return [{"inscription": line.enrolment.pk, "etudiant": line.enrolment.student_id, "nom": str(line.enrolment.student),
             "evaluations_posterieures": line.later_evaluations, "notes_posterieures": line.later_grades,
             "probleme": line.problem} for line in lines]
