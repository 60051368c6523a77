"""Pages: home per role, formation, semester dashboard, evaluation creation, student pages. Views are
thin: they check a permission (``delibe.web.permissions``), call a selector or a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from delibe.collation import name_key
from delibe.web import permissions as perm
from delibe.web.assiduite.services import SECRETARIAT
from delibe.web.forms import EvaluationForm
from delibe.web.models import Evaluation, FormationVersion, SemesterRun, Student
from delibe.web.selectors import etudiants as student_selectors
from delibe.web.selectors import glossaire
from delibe.web.selectors import groupes as group_selectors
from delibe.web.selectors import semestres as sel
from delibe.web.selectors.accueil import student_home
from delibe.web.services.evaluations import (
    EvaluationError,
    create_evaluation,
    delete_evaluation,
    fed_ues,
    update_evaluation,
)
from delibe.web.services.formations import formation_model


def get_run(request: HttpRequest, pk: int) -> SemesterRun:
    run = get_object_or_404(SemesterRun.objects.select_related("formation", "academic_year"), pk=pk)
    perm.require_visible(perm.can_view_department(request.user, run.formation.department_id))
    return run


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = perm.roles_of(request.user)
    student = Student.objects.filter(user=request.user).first()
    if student is not None and not roles.admin and not roles.by_department:
        # the student's home: competences, level reached, what remains (selectors/accueil.py)
        return render(request, "delibe/accueil_etudiant.html", {
            "student": student, "home": student_home(student),
        })
    departments = perm.visible_departments(request.user)
    runs = sel.runs_for_home([d.id for d in departments])
    teaching: dict[int, list[str]] = {}
    for run_id, module in request.user.teachings.values_list("semester_id", "module_code"):
        teaching.setdefault(run_id, []).append(module)
    only_teacher = not roles.admin and all(
        rs <= {"enseignant"} for rs in roles.by_department.values()
    )
    if only_teacher:
        runs = [r for r in runs if r.pk in teaching]
    formations = FormationVersion.objects.filter(department__in=departments).select_related("department")
    secretariat = [d for d in departments if roles.has(d.pk, SECRETARIAT)]
    year_setup = [d for d in departments if perm.can_setup_year(request.user, d.pk)]
    formation_import = [d for d in departments if perm.can_import_formation(request.user, d.pk)]
    return render(request, "delibe/home.html", {
        "departments": departments, "runs": runs, "teaching": teaching, "only_teacher": only_teacher,
        "secretariat": secretariat, "year_setup": year_setup, "formation_import": formation_import,
        "can_create_department": perm.can_create_department(request.user),
        "people_departments": perm.people_departments(request.user),
        "formations": formations, "student": student, "roles": sorted(roles.all_roles),
    })


@login_required
def formation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(FormationVersion.objects.select_related("department"), pk=pk)
    perm.require_visible(perm.can_view_formation(request.user, version.department_id))
    formation = formation_model(version)
    report: Any = None
    try:
        from delibe.engine.check import check_formation
    except ImportError:
        check_formation = None
    if check_formation is not None:
        from delibe.engine.parameters import DEFAULT_REGLES

        report = check_formation(formation, DEFAULT_REGLES)
    semestres = []
    for numero in sorted({u.semestre for u in formation.ues} | {m.semestre for m in formation.modules}):
        ues = formation.ues_of(numero)
        modules = formation.modules_of(numero)
        rows = [(m, [m.coefficients.get(u.code) for u in ues]) for m in modules]
        semestres.append({"numero": numero, "ues": ues, "rows": rows})
    return render(request, "delibe/formation.html", {
        "version": version, "formation": formation, "semestres": semestres, "report": report,
        "check_available": check_formation is not None,
    })


@login_required
def semester_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_view_semester(request.user, run))
    manager = perm.can_manage_semester(request.user, run)
    modules = None if manager or perm.can_view_averages(request.user, run) else perm.taught_modules(request.user, run)
    evaluations = sel.evaluation_rows(run, modules)
    for row in evaluations:
        row.editable = perm.can_edit_grades(request.user, row.evaluation)
    context: dict[str, Any] = {
        "run": run, "evaluations": evaluations, "groups": sel.group_counts(run),
        "n_students": run.enrolments.count(), "can_create": manager or bool(modules),
        "can_jury": perm.can_view_jury(request.user, run), "modules": sel.module_titles(run),
        "can_publish": manager, "can_groups": perm.can_manage_groups(request.user, run),
        "group_list": group_selectors.groupes_of(run),
        "can_photos": perm.can_view_photos(request.user, run.formation.department_id),
        "can_add_student": perm.can_manage_students(request.user, run.formation.department_id),
    }
    if perm.can_view_averages(request.user, run):
        context["ue_codes"], context["averages"] = sel.semester_averages(run)
        context["student_base"] = reverse("delibe:etudiants")  # one reverse() per page, not one per row
    return render(request, "delibe/semestre.html", context)


@login_required
def evaluation_create(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run(request, pk)
    perm.require(perm.can_view_semester(request.user, run))
    formation = formation_model(run.formation)
    allowed = [
        m for m in formation.modules_of(run.semestre) if perm.can_create_evaluation(request.user, run, m.code)
    ]
    perm.require(bool(allowed), _("Vous ne pouvez créer d'évaluation dans aucun module de ce semestre."))
    # weights only towards the UEs a module feeds: the page shows those of the module chosen
    module_ues = {m.code: fed_ues(run, m.code) for m in allowed}
    fed = {code for codes in module_ues.values() for code in codes}
    ue_codes = [u.code for u in formation.ues_of(run.semestre) if u.code in fed]
    form = EvaluationForm(request.POST or None, modules=allowed, ue_codes=ue_codes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        perm.require(perm.can_create_evaluation(request.user, run, data["module_code"]))
        try:
            evaluation = create_evaluation(
                user=request.user, run=run, module_code=data["module_code"], titre=data["titre"],
                date=data["date"], coefficient=data["coefficient"], note_max=data["note_max"],
                poids=form.poids(), type=data["type"], immediate=data["immediate"],
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Évaluation « %(t)s » créée.") % {"t": evaluation.titre})
            return redirect("delibe:saisie", pk=evaluation.pk)
    return render(request, "delibe/evaluation_form.html", {
        "run": run, "form": form, "module_ues": module_ues, "editing": None,
    })


@login_required
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an evaluation's title, date, coefficient, maximum, weights (towards the UEs its module
    feeds), type. Who may enter its grades may change it, until the jury locks the semester."""
    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_edit_grades(request.user, evaluation),
                 _("Seuls la scolarité, le responsable et l'enseignant du module modifient une évaluation, tant "
                   "que le jury n'a pas verrouillé le semestre."))
    run = evaluation.semester
    ue_codes = fed_ues(run, evaluation.module_code)
    initial = {"titre": evaluation.titre, "date": evaluation.date, "coefficient": evaluation.coefficient,
               "note_max": evaluation.note_max, "type": evaluation.type, "immediate": evaluation.immediate,
               **{f"poids_{code}": evaluation.poids[code] for code in ue_codes if code in evaluation.poids}}
    form = EvaluationForm(request.POST or None, initial=initial, modules=[], ue_codes=ue_codes, fixed_module=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_evaluation(
                user=request.user, evaluation=evaluation, titre=data["titre"], date=data["date"],
                coefficient=data["coefficient"], note_max=data["note_max"], poids=form.poids(), type=data["type"],
                immediate=data["immediate"],
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Évaluation modifiée."))
            return redirect("delibe:saisie", pk=evaluation.pk)
    return render(request, "delibe/evaluation_form.html", {
        "run": run, "form": form, "module_ues": {evaluation.module_code: ue_codes}, "editing": evaluation,
    })


@login_required
def evaluation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an evaluation: a confirmation page; with grades, a written reason is required (the grades
    stay in the journal)."""
    evaluation = evaluation_for(request, pk)
    perm.require(perm.can_edit_grades(request.user, evaluation),
                 _("Seuls la scolarité, le responsable et l'enseignant du module suppriment une évaluation, tant "
                   "que le jury n'a pas verrouillé le semestre."))
    n_grades = evaluation.grades.count()
    error = ""
    reason = request.POST.get("motif", "")
    if request.method == "POST":
        try:
            count = delete_evaluation(user=request.user, evaluation=evaluation, reason=reason)
        except EvaluationError as failure:
            error = str(failure)
        else:
            messages.success(request, _("Évaluation « %(t)s » supprimée (%(n)d note(s) conservée(s) dans le "
                                        "journal).") % {"t": evaluation.titre, "n": count})
            return redirect("delibe:semestre", pk=evaluation.semester_id)
    return render(request, "delibe/evaluation_supprimer.html", {
        "evaluation": evaluation, "run": evaluation.semester, "n_grades": n_grades, "error": error,
        "motif": reason,
    }, status=400 if error else 200)


@login_required
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_object_or_404(Student.objects.select_related("formation", "department"), pk=pk)
    if perm.is_self(request.user, student):
        return redirect("delibe:mes_resultats")
    perm.require_visible(perm.can_view_department(request.user, student.department_id))
    perm.require(perm.can_view_student(request.user, student))
    view = student_selectors.cursus(student)
    contract = getattr(student, "apprenticeship", None)
    enrolments = (student.enrolments.select_related("semester__formation", "semester__academic_year")  # type: ignore[attr-defined]  # reverse relation
                  .order_by("-semester__academic_year__label", "-semester__semestre"))
    return render(request, "delibe/etudiant.html", {
        "student": student, "cursus": view, "contract": contract,
        "groupes": [(e, group_selectors.student_groups(e)) for e in enrolments],
        "can_change_groups": perm.can_change_student_group(request.user, student),
        "photo": perm.can_view_photos(request.user, student.department_id) and hasattr(student, "photo"),
        "can_manage": perm.can_manage_students(request.user, student.department_id),
        "parcours_changeables": [e for e in enrolments if not e.semester.locked]
        if perm.can_change_parcours(request.user, student.department_id) else [],
    })


@login_required
def own_results(request: HttpRequest) -> HttpResponse:
    student = Student.objects.filter(user=request.user).select_related("formation").first()
    perm.require_visible(student is not None)
    assert student is not None
    return render(request, "delibe/mes_resultats.html", {
        "student": student, "semesters": student_selectors.own_results(student),
    })


@login_required
def student_list(request: HttpRequest) -> HttpResponse:
    roles = perm.roles_of(request.user)
    departments = [
        d for d in perm.visible_departments(request.user) if roles.has(d.id, perm.JURY_READERS)
    ]
    perm.require(bool(departments))
    query = request.GET.get("q", "").strip()
    students = Student.objects.filter(department__in=departments)
    if query:
        from django.db.models import Q

        students = students.filter(Q(nom__icontains=query) | Q(prenom__icontains=query) | Q(nip__icontains=query))
    # French order (delibe.collation); the search narrows the list first, then the first 500 are shown.
    # The whole university may match (12,000 students): sort the names alone, then read the 500 shown.
    names = sorted(students.values_list("nom", "prenom", "nip", "pk"),
                   key=lambda r: name_key(r[0] or "", r[1] or "", r[2] or ""))[:500]
    shown = Student.objects.in_bulk([pk for *_, pk in names])
    return render(request, "delibe/etudiants.html", {"students": [shown[pk] for *_, pk in names], "q": query})


def evaluation_for(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("semester__formation", "semester__academic_year"), pk=pk
    )
    perm.require_visible(perm.can_view_department(request.user, evaluation.semester.formation.department_id))
    return evaluation


@login_required
def glossary(request: HttpRequest) -> HttpResponse:
    """Every word and code the pages show, explained once (the student home and the jury table link here)."""
    return render(request, "delibe/glossaire.html", {"termes": glossaire.TERMES, "codes": glossaire.codes()})


@login_required
def choices(request: HttpRequest) -> HttpResponse:
    """The choices Délibé made where the texts are silent, each explained (the reasons of a decision link
    here instead of citing a file of the documentation)."""
    return render(request, "delibe/choix.html", {"choix": glossaire.delibe_choices(),
                                                 "textes": glossaire.legal_sources()})
