"""What the routers share: reading an object the caller may see (404 otherwise), and the conversions."""

from __future__ import annotations

from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path
from ninja.errors import HttpError
from pydantic import BaseModel

from delibe.api.schemas import MAX_ID, finite
from delibe.web import permissions as perm
from delibe.web.models import Evaluation, SemesterRun, Student

Id = Annotated[int, Path(ge=1, le=MAX_ID)]

# Every operation documents its error answers with the same JSON shape.
ERRORS: tuple[int, ...] = (400, 401, 403, 404, 409, 422)


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    from delibe.api.schemas import Erreur

    return {status: ok, **{code: Erreur for code in ERRORS}}


def refusal(status: int, message: str, **extra: Any) -> HttpError:
    """An error answered as ``{"detail": message, **extra}`` (see ``delibe.api.errors``)."""
    error = HttpError(status, message)
    error.extra = extra  # type: ignore[attr-defined]  # read back by delibe.api.errors
    return error


def conflict(message: str, **extra: Any) -> HttpError:
    return refusal(409, message, **extra)


def get_run(request: HttpRequest, pk: int) -> SemesterRun:
    """The semester run, if the caller's department (same as the web's ``get_run``)."""
    run = get_object_or_404(SemesterRun.objects.select_related("formation__department", "academic_year"), pk=pk)
    perm.require_visible(perm.can_view_department(request.user, run.formation.department_id))
    return run


def get_evaluation(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("semester__formation__department", "semester__academic_year"), pk=pk
    )
    perm.require_visible(perm.can_view_department(request.user, evaluation.semester.formation.department_id))
    return evaluation


def get_student(request: HttpRequest, pk: int) -> tuple[Student, bool]:
    """The student, and whether the caller is that student without a staff role (who then sees only
    published decisions). Another department's or another student's record is not found (404), as on the
    web (``views.documents._student``)."""
    student = get_object_or_404(Student.objects.select_related("department", "formation"), pk=pk)
    return student, perm.reads_as_self(request.user, student)


def validated_json(schema: type[BaseModel], answer: dict[str, Any]) -> HttpResponse:
    """``answer`` validated by ``schema`` (the endpoint's declared answer, as ninja would) and written as
    JSON by pydantic itself: ninja's path (validate, dump to dicts, then ``json.dumps``) costs a 600-student
    jury 120 ms, this one 30. For answers without dates or decimals, which the two paths would write
    differently; otherwise the same JSON, apart from spaces (UTF-8, not escaped, as ``api.main.Renderer``)."""
    return HttpResponse(schema.model_validate(answer).model_dump_json(),
                        content_type=f"application/json; charset={settings.DEFAULT_CHARSET}")


def run_summary(run: SemesterRun) -> dict[str, Any]:
    return {
        "id": run.pk, "formation_id": run.formation_id, "formation": run.formation.slug,
        "departement": run.formation.department.code, "semestre": run.semestre,
        "annee_universitaire": run.academic_year.label, "modalite": run.modalite, "verrouille": run.locked,
    }


def ue_dict(u: Any) -> dict[str, Any]:
    return {"code": u.code, "titre": u.titre, "semestre": u.semestre, "competence": u.competence,
            "niveau": u.niveau, "ects": u.ects}


def module_dict(m: Any) -> dict[str, Any]:
    kind = getattr(m.kind, "value", m.kind)
    return {"code": m.code, "titre": m.titre, "semestre": m.semestre, "type": str(kind),
            "coefficients": {k: float(v) for k, v in m.coefficients.items()}}


def student_summary(s: Student) -> dict[str, Any]:
    return {"id": s.pk, "nip": s.nip, "civilite": s.civilite, "nom": s.nom, "prenom": s.prenom,
            "departement": s.department.code}


def motifs(reasons: Any, base: str = "") -> list[dict[str, Any]]:
    """The reasons of a proposal. Their source in words (the Arrêté's article, « … : choix de Délibé »,
    « règle du département (…) »), never a file of the documentation, with the address of the page of the
    application that explains it (``base``: the server's address; the same mapping as the pages,
    ``web.selectors.sources``)."""
    if not reasons:  # the jury without its reasons: 10,000 empty lists for a 600-student year
        return []
    from delibe.web.selectors.sources import citation

    out = []
    for r in reasons or []:
        if isinstance(r, dict):
            c = citation(str(r.get("source", "")), str(r.get("rule", "")))
            chemin = c.chemin()
            out.append({"regle": str(r.get("rule", "")), "texte": str(r.get("text", "")),
                        "source": c.texte, "source_type": c.genre, "source_url": f"{base}{chemin}" if chemin else "",
                        "donnees": finite(dict(r.get("data") or {}))})
    return out


def base_url(request: Any) -> str:
    """The server's address as the client reached it (no trailing slash)."""
    return request.build_absolute_uri("/").rstrip("/")
