"""Includes for other pages: a student's absences, the attendance proposals of a jury."""

from django import template

from delibe.web.assiduite import selectors

register = template.Library()


@register.inclusion_tag("assiduite/_absences_etudiant.html")
def absences_etudiant(student):
    return {"resume": selectors.student_summary(student)}


@register.inclusion_tag("assiduite/_jury_assiduite.html")
def assiduite_jury(run):
    return {"propositions": selectors.jury_proposals(run)}


@register.filter
def creneau(code: str) -> str:
    """A slot in words: « matin », « après-midi », « 8 h – 10 h »."""
    from delibe.engine.assiduite import libelle_creneau

    return libelle_creneau(code or "")
