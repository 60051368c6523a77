"""Formations, semesters, their students and enrolments, their evaluations."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path as PathParam
from ninja import Router
from ninja.responses import Status

from delibe.api.endpoints.common import (
    Id,
    conflict,
    get_run,
    module_dict,
    responses,
    run_summary,
    ue_dict,
)
from delibe.api.schemas import (
    EtudiantInscrit,
    EvaluationIn,
    EvaluationOut,
    FormationDetail,
    FormationOut,
    Inscription,
    ModuleEnseignants,
    ModuleEnseignantsIn,
    SemestreDetail,
    SemestreResume,
)
from delibe.collation import student_key, text_key
from delibe.web import permissions as perm
from delibe.web.models import Enrolment, Evaluation, FormationVersion, SemesterRun
from delibe.web.selectors import semestres as sel
from delibe.web.selectors.groupes import groupes_of, read_groups
from delibe.web.services.evaluations import EvaluationError, create_evaluation
from delibe.web.services.formations import formation_model

router = Router(tags=["formations et semestres"])


def _formation(version: FormationVersion) -> dict[str, Any]:
    return {"id": version.pk, "slug": version.slug, "version": version.version, "titre": version.titre,
            "departement": version.department.code, "charge_le": version.loaded_at}


@router.get("/formations", response=responses(list[FormationOut]), summary="Formations de vos départements")
def formations(request: HttpRequest) -> Any:
    departments = perm.visible_departments(request.user)
    return [_formation(v) for v in FormationVersion.objects.filter(department__in=departments)
            .select_related("department")]


@router.get("/formations/{id}", response=responses(FormationDetail), summary="Une formation : UE, modules, semestres")
def formation(request: HttpRequest, id: Id) -> Any:
    version = get_object_or_404(FormationVersion.objects.select_related("department"), pk=id)
    perm.require_visible(perm.can_view_formation(request.user, version.department_id))
    model = formation_model(version)
    runs = SemesterRun.objects.filter(formation=version).select_related("formation__department", "academic_year")
    return {**_formation(version), "semestres": [run_summary(r) for r in runs],
            "ues": [ue_dict(u) for u in model.ues], "modules": [module_dict(m) for m in model.modules]}


@router.get("/semestres", response=responses(list[SemestreResume]), summary="Semestres que vous voyez")
def semestres(request: HttpRequest) -> Any:
    departments = [d.pk for d in perm.visible_departments(request.user)]
    runs = (SemesterRun.objects.filter(formation__department_id__in=departments)
            .select_related("formation__department", "academic_year")
            .order_by("-academic_year__label", "formation__slug", "semestre"))
    return [run_summary(r) for r in runs if perm.can_view_semester(request.user, r)]


@router.get("/semestres/{id}", response=responses(SemestreDetail), summary="Un semestre")
def semestre(request: HttpRequest, id: Id) -> Any:
    run = get_run(request, id)
    perm.require(perm.can_view_semester(request.user, run))
    model = formation_model(run.formation)
    return {**run_summary(run), "debut": run.debut, "fin": run.fin, "groupes": [g.label for g in groupes_of(run)],
            "partitions": [{"id": p.pk, "nom": p.name, "groupes": [{"id": g.pk, "nom": g.name} for g in p.groupes.all()]}
                           for p in run.partitions.prefetch_related("groupes")],
            "nb_etudiants": run.enrolments.count(), "ues": [ue_dict(u) for u in model.ues_of(run.semestre)],
            "modules": [module_dict(m) for m in model.modules_of(run.semestre)]}


def _enrolments(run: SemesterRun) -> list[Enrolment]:
    enrolments = read_groups(Enrolment.objects.filter(semester=run).select_related("student"))
    return sorted(enrolments, key=lambda e: (text_key(e.groupe), student_key(e.student)))  # by group, then name


@router.get("/semestres/{id}/etudiants", response=responses(list[EtudiantInscrit]),
            summary="Les étudiants inscrits au semestre")
def etudiants_du_semestre(request: HttpRequest, id: Id) -> Any:
    run = get_run(request, id)
    perm.require(perm.can_view_semester(request.user, run))
    return [{"id": e.student_id, "nip": e.student.nip, "nom": e.student.nom, "prenom": e.student.prenom,
             "parcours": e.parcours, "groupe": e.groupe, "redoublant": e.redoublant, "etat": e.etat}
            for e in _enrolments(run)]


@router.get("/semestres/{id}/inscriptions", response=responses(list[Inscription]),
            summary="Les inscriptions du semestre (parcours, groupe, redoublant, état)")
def inscriptions(request: HttpRequest, id: Id) -> Any:
    run = get_run(request, id)
    perm.require(perm.can_view_semester(request.user, run))
    return [{"id": e.pk, "etudiant": e.student_id, "semestre": run.pk, "parcours": e.parcours, "groupe": e.groupe,
             "redoublant": e.redoublant, "etat": e.etat} for e in _enrolments(run)]


def evaluation_dict(request: HttpRequest, e: Evaluation, titles: dict[str, str], filled: int | None = None,
                    total: int | None = None) -> dict[str, Any]:
    return {"id": e.pk, "semestre": e.semester_id, "module": e.module_code, "module_titre": titles.get(e.module_code, ""),
            "titre": e.titre, "date": e.date, "coefficient": e.coefficient, "note_max": e.note_max,
            "poids": {str(k): float(v) for k, v in (e.poids or {}).items()}, "type": e.type,
            "immediate": e.immediate, "saisies": filled, "inscrits": total,
            "modifiable": perm.can_edit_grades(request.user, e)}


@router.get("/semestres/{id}/evaluations", response=responses(list[EvaluationOut]),
            summary="Les évaluations du semestre (un enseignant : celles de ses modules)")
def evaluations(request: HttpRequest, id: Id) -> Any:
    run = get_run(request, id)
    perm.require(perm.can_view_semester(request.user, run))
    manager = perm.can_manage_semester(request.user, run)
    modules = None if manager or perm.can_view_averages(request.user, run) else perm.taught_modules(request.user, run)
    titles = sel.module_titles(run)
    rows = sel.evaluation_rows(run, modules)
    return [evaluation_dict(request, r.evaluation, titles, r.filled, r.total) for r in rows]


@router.post("/semestres/{id}/evaluations", response=responses(EvaluationOut, 201),
             summary="Créer une évaluation")
def creer_evaluation(request: HttpRequest, id: Id, payload: EvaluationIn) -> Any:
    run = get_run(request, id)
    perm.require(perm.can_view_semester(request.user, run))
    if not perm.can_create_evaluation(request.user, run, payload.module):
        if run.locked and perm.can_manage_semester(request.user, run):
            raise conflict("Le semestre est verrouillé par le jury : aucune évaluation ne peut être ajoutée.")
        perm.require(False, f"Vous ne pouvez pas créer d'évaluation dans le module « {payload.module} » : "
                            "seuls la scolarité, le responsable et ses enseignants le peuvent.")
    try:
        evaluation = create_evaluation(
            user=request.user, run=run, module_code=payload.module, titre=payload.titre, date=payload.date,
            coefficient=payload.coefficient, note_max=payload.note_max, poids=dict(payload.poids) or None,
            type=payload.type, immediate=payload.immediate,
        )
    except EvaluationError as error:
        if "verrouillé" in str(error):
            raise conflict(str(error)) from None
        from ninja.errors import HttpError

        raise HttpError(422, str(error)) from None
    return Status(201, evaluation_dict(request, evaluation, sel.module_titles(run), 0, run.enrolments.count()))



# --- who teaches each module (issue 13) ------------------------------------------------------------

def _staff(row: Any) -> dict[str, Any]:
    return {"module": row.code, "titre": row.titre,
            "responsable": row.responsable.username if row.responsable else None,
            "enseignants": [u.username for u in row.enseignants]}


@router.get("/semestres/{id}/enseignants", response=responses(list[ModuleEnseignants]),
            summary="Responsable et enseignants de chaque module du semestre")
def enseignants(request: HttpRequest, id: Id) -> Any:
    from delibe.web.services.teaching import module_staff

    run = get_run(request, id)
    perm.require(perm.can_manage_semester(request.user, run),
                 "Seuls la scolarité et le responsable de formation voient les attributions des modules.")
    return [_staff(row) for row in module_staff(run)]


@router.put("/semestres/{id}/enseignants/{module}", response=responses(ModuleEnseignants),
            summary="Nommer le responsable et les enseignants d'un module",
            description="Remplace le responsable et les enseignants du module (identifiants de comptes ayant le rôle "
                        "Enseignant dans le département) ; tout ou rien, journalisé. 409 si le semestre est verrouillé.")
def nommer_enseignants(request: HttpRequest, id: Id, module: Annotated[str, PathParam(max_length=40)],
                       payload: ModuleEnseignantsIn) -> Any:
    from django.contrib.auth import get_user_model
    from ninja.errors import HttpError

    from delibe.web.services.teaching import TeachingError, module_staff, set_module_staff

    run = get_run(request, id)
    perm.require(perm.can_manage_semester(request.user, run),
                 "Seuls la scolarité et le responsable de formation attribuent les modules.")
    if run.locked:
        raise conflict("Le semestre est verrouillé par son jury : les attributions ne se modifient plus.")
    teachers = [n.strip() for n in payload.enseignants if n.strip()]
    responsable = (payload.responsable or "").strip()
    names = [n for n in [responsable, *teachers] if n]
    ids = dict(get_user_model().objects.filter(username__in=names).values_list("username", "pk"))
    unknown = sorted(set(names) - set(ids))
    if unknown:
        raise HttpError(422, f"Compte(s) inconnu(s) : {', '.join(unknown)}.")
    try:
        set_module_staff(actor=request.user, run=run, module_code=module,
                         responsable_id=ids[responsable] if responsable else None,
                         enseignant_ids=[ids[n] for n in teachers])
    except TeachingError as error:
        raise HttpError(422, str(error)) from None
    return next(_staff(row) for row in module_staff(run) if row.code == module)
