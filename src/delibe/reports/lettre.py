"""The individual letter of the jury's decision (docs/domain.md §6): the year code explained in plain
French, the RCUE and UE codes behind it, the ECTS and diplomas, the signature and the appeal routes."""

from __future__ import annotations

from typing import Any

from delibe.engine.jury import codes as jury_codes
from delibe.reports import codes
from delibe.reports.data import LettreData
from delibe.reports.render import document_context, html_to_pdf, render_html

TEMPLATE = "reports/lettre.html"

NEXT_STEP = {
    "ADM": "Vous êtes admis(e) en année suivante.",
    "ADJ": "Vous êtes admis(e) en année suivante.",
    "PASD": "Vous passez de droit en année suivante; les UE non acquises restent à acquérir.",
    "PAS1NCI": "Le jury vous autorise à passer en année suivante; les UE non acquises restent à acquérir.",
    "RED": "Vous êtes autorisé(e) à redoubler; vos UE acquises restent acquises.",
    "NAR": "Vous n'êtes pas autorisé(e) à redoubler; le département vous accompagnera dans votre réorientation.",
}


def codes_shown(data: LettreData) -> list[str]:
    found = [u.decision.code if u.decision else None for u in data.ues]
    found += [r.decision.code if r.decision else None for r in data.rcues]
    found.append(data.decision_annee.code if data.decision_annee else None)
    return [c for c in found if c]


def context(data: LettreData) -> dict[str, Any]:
    code = data.decision_annee.code if data.decision_annee else None
    suite = NEXT_STEP.get(code or "", "")
    if data.annee_but == 3 and code in jury_codes.YEAR_VALIDATING:
        suite = "Vous avez validé la troisième année du BUT."
    return document_context(
        data.config, titre=f"Décision du jury — {data.etudiant.nom_complet}", data=data,
        formation=data.formation, annee_universitaire=data.annee_universitaire, etudiant=data.etudiant,
        suite=suite, glossaire=codes.glossary_for(codes_shown(data)),
        niveaux_explication=codes.NIVEAUX_EXPLICATION, date_signature=data.date_lettre or data.date_jury,
    )


def to_html(data: LettreData) -> str:
    return render_html(TEMPLATE, context(data))


def to_pdf(data: LettreData) -> bytes:
    return html_to_pdf(to_html(data))
