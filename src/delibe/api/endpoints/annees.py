"""The academic year of a department (issue 13): opening semesters, copying last year's, archiving a
closed year, and the passage of the students into the next year (preview, then confirmation, all or
nothing). Through ``delibe.web.services.annees``, as the web and ``delibe annee``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from delibe.api.endpoints.common import Id, conflict, responses
from delibe.api.schemas import Texte
from delibe.web import permissions as perm
from delibe.web.models import Department, FormationVersion, SemesterRun
from delibe.web.services import annees as service

router = Router(tags=["années"])

Annee = Annotated[str, Path(pattern=r"^\d{4}-\d{4}$", description="Année universitaire, AAAA-AAAA.")]
DENIED = "L'année universitaire est préparée par la scolarité ou le responsable de formation."


class SemestreIn(Schema):
    semestre: int = Field(ge=1, le=6)
    debut: dt.date | None = None
    fin: dt.date | None = None
    parcours: list[Annotated[Texte, Field(max_length=40)]] = Field(
        default_factory=list, max_length=20, description="Parcours offerts ; vide : tous ceux de la formation.")
    modalite: Annotated[Texte, Field(max_length=20)] = Field(
        "", description="FI, FA ou FC (ou initiale, apprentissage, continue) ; vide : celle de la formation.")
    etape: Annotated[Texte, Field(max_length=40)] = Field("", description="Code étape Apogée.")


class OuvertureIn(Schema):
    formation: int = Field(ge=1, description="Identifiant de la version de formation.")
    semestres: list[SemestreIn] = Field(min_length=1, max_length=6)


class SemestreOut(Schema):
    id: int
    semestre: int
    annee_universitaire: str
    formation: str
    debut: dt.date | None
    fin: dt.date | None
    parcours: list[str]
    modalite: str
    etape: str
    verrouille: bool
    archive: bool


class CopieOut(Schema):
    source: str
    cible: str
    semestres: list[SemestreOut]
    enseignements: int
    evaluations: int
    groupes: int
    modules_ignores: list[str]


class LignePassage(Schema):
    etudiant: int
    nip: str
    nom: str
    annee_but: int
    decision: str | None
    issue: str = Field(description="passage, redoublement, sortie, fin, deja ou bloquant")
    semestre: int | None
    destination: str | None
    message: str
    ue_capitalisees: list[str]


class PassageOut(Schema):
    source: str
    cible: str
    bloquant: bool
    avertissements: list[str] = Field(description="Par exemple un jury d'année encore ouvert.")
    effectifs: dict[str, int]
    lignes: list[LignePassage]


def _semestre(run: SemesterRun) -> dict[str, Any]:
    return {"id": run.pk, "semestre": run.semestre, "annee_universitaire": run.academic_year.label,
            "formation": f"{run.formation.slug} v{run.formation.version}", "debut": run.debut, "fin": run.fin,
            "parcours": list(run.parcours_offerts), "modalite": run.modalite, "etape": run.etape_apogee,
            "verrouille": run.locked, "archive": run.archived}


def _department(request: HttpRequest, pk: int, annee: str) -> Department:
    department = get_object_or_404(Department, pk=pk)
    perm.require_visible(perm.can_view_department(request.user, department.pk))
    perm.require(perm.can_setup_year(request.user, department.pk), DENIED)
    try:
        service.check_label(annee)
    except service.YearSetupError as error:
        raise HttpError(422, str(error)) from None
    return department


def _passage(preview: service.PassagePreview) -> dict[str, Any]:
    return {"source": preview.source, "cible": preview.target, "bloquant": bool(preview.blocking),
            "avertissements": preview.warnings, "effectifs": preview.counts(), "lignes": [line.as_dict() for line in preview.lines]}


@router.post("/departements/{id}/annees/{annee}/semestres", response=responses(list[SemestreOut], 201),
             summary="Ouvrir des semestres d'une année à partir d'une version de formation")
def ouvrir(request: HttpRequest, id: Id, annee: Annee, payload: OuvertureIn) -> Any:
    department = _department(request, id, annee)
    version = get_object_or_404(FormationVersion, pk=payload.formation, department=department)
    specs = [service.SemesterSpec(s.semestre, s.debut, s.fin, tuple(s.parcours), s.modalite, s.etape)
             for s in payload.semestres]
    try:
        runs = service.create_semesters(user=request.user, version=version, label=annee, specs=specs)
    except service.YearSetupError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, [_semestre(r) for r in runs])


@router.post("/departements/{id}/annees/{annee}/copie", response=responses(CopieOut, 201),
             summary="Copier l'année vers la suivante (semestres, enseignants, plan d'évaluation sans notes, groupes)")
def copier(request: HttpRequest, id: Id, annee: Annee) -> Any:
    department = _department(request, id, annee)
    try:
        result = service.copy_year(user=request.user, department=department, source_label=annee)
    except service.YearSetupError as error:
        raise conflict(str(error)) from None
    return Status(201, {"source": result.source, "cible": result.target,
                        "semestres": [_semestre(r) for r in result.runs], "enseignements": result.teachings,
                        "evaluations": result.evaluations, "groupes": result.groups,
                        "modules_ignores": result.skipped_modules})


@router.post("/departements/{id}/annees/{annee}/archivage", response=responses(list[SemestreOut]),
             summary="Archiver une année dont tous les jurys sont clos (lecture seule, jamais rouverte)")
def archiver(request: HttpRequest, id: Id, annee: Annee) -> Any:
    department = _department(request, id, annee)
    try:
        runs = service.archive_year(user=request.user, department=department, label=annee)
    except service.YearSetupError as error:
        raise conflict(str(error)) from None
    return [_semestre(r) for r in runs]


@router.get("/departements/{id}/annees/{annee}/passage", response=responses(PassageOut),
            summary="Aperçu du passage : chaque étudiant, sa décision d'année et sa destination")
def apercu_passage(request: HttpRequest, id: Id, annee: Annee) -> Any:
    department = _department(request, id, annee)
    return _passage(service.passage_preview(department, annee))


@router.post("/departements/{id}/annees/{annee}/passage", response=responses(PassageOut),
             summary="Confirmer le passage : tout le monde est inscrit, ou personne",
             description="Refusé (409, « lignes » avec les étudiants bloquants) tant qu'un étudiant n'a pas de "
                         "décision d'année ou que son semestre de destination manque.")
def confirmer_passage(request: HttpRequest, id: Id, annee: Annee) -> Any:
    department = _department(request, id, annee)
    try:
        preview = service.confirm_passage(user=request.user, department=department, source_label=annee)
    except service.YearSetupError as error:
        blocking = [line.as_dict() for line in service.passage_preview(department, annee).blocking]
        raise conflict(str(error), lignes=blocking) from None
    return _passage(preview)


class AnnulationOut(Schema):
    source: str
    cible: str
    retirees: int = Field(description="Inscriptions retirées.")
    inscriptions: list[dict[str, Any]] = Field(description="Chacune : etudiant, nip, nom, semestre.")


@router.post("/departements/{id}/annees/{annee}/passage/annulation", response=responses(AnnulationOut),
             summary="Annuler le dernier passage : retirer les inscriptions qu'il a créées",
             description="Possible tant que les semestres de destination n'ont ni note ni décision de jury et ne "
                         "sont pas verrouillés ; sinon 409 avec la raison. Les autres inscriptions ne changent pas.")
def annuler_passage(request: HttpRequest, id: Id, annee: Annee) -> Any:
    department = _department(request, id, annee)
    try:
        undo = service.undo_passage(user=request.user, department=department, source_label=annee)
    except service.YearSetupError as error:
        raise conflict(str(error)) from None
    return {"source": undo.source, "cible": undo.target, "retirees": len(undo.enrolments),
            "inscriptions": [{"etudiant": e.student_id, "nip": e.student.nip, "nom": str(e.student),
                              "semestre": e.semester_id} for e in undo.enrolments]}
