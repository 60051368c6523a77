"""Evaluations and their grades: read the grid, write one grade (optimistic concurrency: the version read
is sent back, a stale one is answered 409 with the current grade), write a batch (all or nothing).

Writes go through ``delibe.web.services.grades.save_grade``, under the audit channel « api »: one journal
session per token and day for single grades, one session per batch (undone as a whole from the journal)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from delibe.api.auth import audit_session
from delibe.api.endpoints.common import Id, conflict, get_evaluation, refusal, responses
from delibe.api.endpoints.semestres import evaluation_dict
from delibe.api.schemas import (
    EvaluationOut,
    EvaluationPatch,
    LotNotesIn,
    LotNotesOut,
    NoteEtat,
    NoteIn,
    NoteOut,
    Suppression,
    SuppressionIn,
)
from delibe.web import permissions as perm
from delibe.web.audit import context as audit_context
from delibe.web.models import Enrolment, Evaluation, Grade
from delibe.web.selectors import semestres as sel
from delibe.web.services import grades as grade_service

router = Router(tags=["notes"])

LOCKED = "Le semestre est verrouillé par le jury : les notes ne peuvent plus changer."


def _state(state: grade_service.CellState) -> dict[str, Any]:
    return {"etudiant": state.student_id, "valeur": state.display, "version": state.version}


def _raw(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur)


def _writable(request: HttpRequest, evaluation: Evaluation) -> None:
    """403 for who may not write these grades; 409 for who could, but the jury has locked the semester."""
    if perm.can_edit_grades(request.user, evaluation):
        return
    if evaluation.semester.locked and perm.can_read_grades(request.user, evaluation):
        raise conflict(LOCKED)
    perm.require(False, "Vous ne pouvez pas saisir les notes de cette évaluation : seuls la scolarité, le "
                        "responsable et les enseignants du module le peuvent.")


@router.get("/evaluations/{id}", response=responses(EvaluationOut), summary="Une évaluation")
def evaluation(request: HttpRequest, id: Id) -> Any:
    e = get_evaluation(request, id)
    perm.require(perm.can_view_evaluation(request.user, e))
    return evaluation_dict(request, e, sel.module_titles(e.semester))


def _evaluation_error(error: Exception) -> HttpError:
    if "verrouillé" in str(error):
        return conflict(str(error))
    return HttpError(422, str(error))


@router.patch("/evaluations/{id}", response=responses(EvaluationOut),
              summary="Modifier une évaluation (date, coefficient, note maximale, poids, type)",
              description="Les champs absents restent inchangés. Une note maximale sous une note déjà saisie est "
                          "refusée (422) ; un poids vers une UE que le module ne nourrit pas aussi. Journalisé.")
def modifier_evaluation(request: HttpRequest, id: Id, payload: EvaluationPatch) -> Any:
    from delibe.web.services.evaluations import EvaluationError, update_evaluation

    e = get_evaluation(request, id)
    _writable(request, e)
    changes = payload.dict(exclude_unset=True)
    fields = {"titre": e.titre, "date": e.date, "coefficient": e.coefficient, "note_max": e.note_max,
              "poids": dict(e.poids), "type": e.type, "immediate": e.immediate}
    fields.update({k: v for k, v in changes.items() if v is not None or k == "date"})
    try:
        e = update_evaluation(user=request.user, evaluation=e, **fields)
    except EvaluationError as error:
        raise _evaluation_error(error) from None
    return evaluation_dict(request, e, sel.module_titles(e.semester))


@router.delete("/evaluations/{id}", response=responses(Suppression),
               summary="Supprimer une évaluation (motif obligatoire si elle a des notes)",
               description="Avec des notes, refusé (422) sans motif ; les notes supprimées restent dans le journal.")
def supprimer_evaluation(request: HttpRequest, id: Id, payload: SuppressionIn | None = None) -> Any:
    from delibe.web.services.evaluations import EvaluationError, delete_evaluation

    e = get_evaluation(request, id)
    _writable(request, e)
    pk = e.pk
    try:
        count = delete_evaluation(user=request.user, evaluation=e, reason=payload.motif if payload else "")
    except EvaluationError as error:
        raise _evaluation_error(error) from None
    return {"supprimee": pk, "notes": count}


@router.get("/evaluations/{id}/notes", response=responses(list[NoteOut]),
            summary="Les notes d'une évaluation, avec leur version")
def notes(request: HttpRequest, id: Id) -> Any:
    e = get_evaluation(request, id)
    perm.require(perm.can_read_grades(request.user, e), "Vous ne lisez que les notes des modules que vous "
                 "enseignez (ou de tout le semestre pour la scolarité, le responsable et le président du jury).")
    grades = {g.student_id: g for g in Grade.objects.filter(evaluation=e)}
    out = []
    for row in sel.grid_rows(e):
        g = grades.get(row.student.pk)
        out.append({
            "etudiant": row.student.pk, "nip": row.student.nip, "nom": row.student.nom, "prenom": row.student.prenom,
            "groupe": row.groupe, "valeur": row.display, "version": row.version,
            "note": float(g.value) if g is not None and g.value is not None else None,
            "special": (g.special or None) if g is not None else None,
        })
    return out


@router.put("/evaluations/{id}/notes/{etudiant}", response=responses(NoteEtat),
            summary="Écrire une note (version lue obligatoire ; 409 si elle a changé)")
def ecrire_note(request: HttpRequest, id: Id, etudiant: Id, payload: NoteIn) -> Any:
    e = get_evaluation(request, id)
    _writable(request, e)
    perm.require_visible(Enrolment.objects.filter(student_id=etudiant, semester_id=e.semester_id).exists())
    try:
        with audit_context.using("api", audit_session(request)):
            state = grade_service.save_grade(user=request.user, evaluation=e, student_id=etudiant,
                                             raw=_raw(payload.valeur), expected_version=payload.version)
    except grade_service.StaleGrade:
        current = grade_service.current_state(e, etudiant)
        raise conflict(
            f"Cette note a été modifiée entre-temps : valeur actuelle « {current.display or 'vide'} », version "
            f"{current.version}. Relisez-la puis renvoyez votre note avec cette version.",
            actuelle=_state(current),
        ) from None
    except grade_service.LockedError as error:
        raise conflict(str(error)) from None
    except grade_service.DatabaseBusy as error:
        raise refusal(503, str(error), reessayer=True) from None
    except grade_service.GradeRefused as error:
        raise HttpError(422, str(error)) from None
    return _state(state)


@router.post("/evaluations/{id}/notes", response=responses(LotNotesOut),
             summary="Écrire un lot de notes : tout ou rien, une erreur par ligne")
def ecrire_lot(request: HttpRequest, id: Id, payload: LotNotesIn) -> Any:
    """Every row is checked (value, enrolment, version); if one is refused, nothing is written and the
    answer lists every refused row (422; 409 when the only problems are stale versions)."""
    e = get_evaluation(request, id)
    _writable(request, e)
    session = audit_context.new_session("api")
    rows = [grade_service.BatchRow(index, row.etudiant, _raw(row.valeur), row.version)
            for index, row in enumerate(payload.notes, start=1)]
    try:
        result = grade_service.save_batch(user=request.user, evaluation=e, rows=rows, session=session)
    except grade_service.LockedError as error:
        raise conflict(str(error)) from None
    if result.refused:
        errors = [{"ligne": r.line, "etudiant": r.student_id, "message": r.message,
                   **({"actuelle": _state(r.current)} if r.current is not None else {})} for r in result.refused]
        raise refusal(409 if result.stale_only else 422,
                      f"Aucune note enregistrée : {len(errors)} ligne(s) refusée(s) sur {len(payload.notes)}. "
                      "Corrigez-les et renvoyez tout le lot.", erreurs=errors)
    saved = [_state(state) for state in result.saved]
    return {"enregistrees": len(saved), "session": session, "notes": saved}
