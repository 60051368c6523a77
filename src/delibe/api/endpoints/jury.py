"""The jury of a semester (a year at an even semester): proposals with their reasons and the decisions
recorded; recording one decision (a departure from the proposal needs its written reason), confirming
the remaining proposals, closing the jury. Through ``delibe.web.services.jury``, as the web."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.responses import Status

from delibe.api.endpoints.common import (
    Id,
    base_url,
    conflict,
    get_run,
    motifs,
    responses,
    student_summary,
    validated_json,
)
from delibe.api.schemas import (
    Cloture,
    ClotureIn,
    Compte,
    DecisionIn,
    DecisionOut,
    JuryOut,
    ListeControle,
    finite,
)
from delibe.web import permissions as perm
from delibe.web.models import Enrolment, SemesterRun, Student
from delibe.web.selectors.semestres import Cell, jury_table
from delibe.web.services import jury as jury_service

router = Router(tags=["jury"])

LOCKED = "Le jury de ce semestre est verrouillé : ses décisions ne peuvent plus changer."


def _cell(cell: Cell | None, base: str = "") -> dict[str, Any] | None:
    if cell is None:
        return None
    return {"niveau": cell.level, "objet": cell.key, "moyenne": finite(cell.moyenne), "propose": cell.proposed,
            "decide": cell.decided, "motifs": motifs(cell.reasons, base), "motif_jury": cell.departure_reason,
            "provisoire": cell.provisional, "ecart": cell.departs, "incomplet": cell.incomplet}


@router.get("/semestres/{id}/jury", response=responses(JuryOut),
            summary="Le jury : moyennes, propositions avec leurs motifs, décisions enregistrées")
def jury(request: HttpRequest, id: Id, motifs: bool = Query(True, description=
         "false : sans les motifs (plus rapide pour une grande promotion).")) -> Any:
    run = get_run(request, id)
    perm.require(perm.can_view_jury(request.user, run))
    table = jury_table(run, with_reasons=motifs)
    base = base_url(request)
    return validated_json(JuryOut, {
        "semestre": run.pk, "semestres": [r.pk for r in table.runs], "jury_annuel": table.year_jury,
        "verrouille": table.locked, "ues": table.ue_headers, "rcues": table.rcue_headers,
        "effectifs": dict(table.counts),
        "lignes": [{"etudiant": student_summary(row.student), "erreur": row.error,
                    "ues": [_cell(c, base) for c in row.ues], "rcues": [_cell(c, base) for c in row.rcues],
                    "annee": _cell(row.annee, base)} for row in table.rows],
    })


def _decider(request: HttpRequest, run: SemesterRun) -> None:
    """403 for who may not decide; 409 for a decider once the jury is closed."""
    perm.require(perm.can_view_jury(request.user, run))
    if perm.can_decide_jury(request.user, run):
        return
    if perm.roles_of(request.user).has(run.formation.department_id, perm.JURY_DECIDERS):
        raise conflict(LOCKED)
    perm.require(False, "Seuls la scolarité et le président du jury enregistrent les décisions du jury.")


@router.post("/semestres/{id}/jury/decisions", response=responses(DecisionOut, 201),
             summary="Enregistrer une décision (motif obligatoire si elle s'écarte de la proposition)")
def decider(request: HttpRequest, id: Id, payload: DecisionIn) -> Any:
    run = get_run(request, id)
    _decider(request, run)
    student = get_object_or_404(Student, pk=payload.etudiant, department_id=run.formation.department_id)
    perm.require_visible(Enrolment.objects.filter(student=student, semester=run).exists())
    try:
        decision = jury_service.record_decision(user=request.user, run=run, student=student, level=payload.niveau,
                                                key=payload.objet, code=payload.code, reason=payload.motif)
    except jury_service.JuryLocked as error:
        raise conflict(str(error)) from None
    except jury_service.DecisionError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, {
        "etudiant": student.pk, "niveau": decision.level, "objet": decision.key, "moyenne": finite(decision.moyenne),
        "code_propose": decision.proposed_code, "code_decide": decision.decided_code,
        "motif_jury": decision.departure_reason, "motifs": motifs(decision.reasons, base_url(request)), "decide_le": decision.decided_at,
    })


@router.post("/semestres/{id}/jury/propositions", response=responses(Compte),
             summary="Confirmer les propositions encore sans décision")
def confirmer(request: HttpRequest, id: Id) -> Any:
    run = get_run(request, id)
    _decider(request, run)
    try:
        count = jury_service.record_proposals(user=request.user, run=run)
    except jury_service.JuryLocked as error:
        raise conflict(str(error)) from None
    return {"enregistrees": count}


def _checklist(run: SemesterRun) -> dict[str, Any]:
    from delibe.web.selectors.cloture import jury_checklist

    checklist = jury_checklist(run)
    return {"semestre": run.pk, "semestres": [r.pk for r in checklist.runs],
            "verrouille": any(r.locked for r in checklist.runs), "bloquant": checklist.blocking,
            "effectifs": checklist.counts(), "points": [item.as_dict() for item in checklist.items]}


@router.get("/semestres/{id}/jury/checklist", response=responses(ListeControle),
            summary="Liste de contrôle avant de clore le jury (la même que le site et « delibe jury checklist »)",
            description="Les points bloquants : évaluations incomplètes, notes en attente (ATT), étudiants sans "
                        "décision ni proposition, écarts à la proposition sans motif ; chacun avec le lien de la "
                        "page du site où le corriger.")
def checklist(request: HttpRequest, id: Id) -> Any:
    run = get_run(request, id)
    perm.require(perm.can_view_jury(request.user, run))
    return _checklist(run)


@router.post("/semestres/{id}/jury/cloture", response=responses(Cloture),
             summary="Clore le jury : propositions restantes enregistrées, notes et décisions verrouillées",
             description="Refusé (409, avec les points restants dans « points ») tant qu'un point de la liste de "
                         "contrôle reste sans motif ; seul le président peut clore malgré un point bloquant, avec "
                         "un motif par point (« motifs » : clé du point → motif).")
def clore(request: HttpRequest, id: Id, payload: ClotureIn | None = None) -> Any:
    run = get_run(request, id)
    perm.require(perm.can_view_jury(request.user, run))
    if not perm.can_lock_jury(request.user, run):
        if run.locked and perm.roles_of(request.user).has(run.formation.department_id, perm.JURY_DECIDERS):
            raise conflict("Ce jury est déjà clos.")
        perm.require(False, "Seuls la scolarité et le président du jury closent le jury.")
    try:
        jury_service.lock_jury(user=request.user, run=run, motifs=dict(payload.motifs) if payload else None)
    except jury_service.ChecklistBlocked as blocked:
        raise conflict(str(blocked), points=[item.as_dict() for item in blocked.missing]) from None
    except jury_service.JuryLocked as error:
        raise conflict(str(error)) from None
    runs = jury_service.year_runs(run)
    return {"semestres": [r.pk for r in runs], "verrouille": True}
