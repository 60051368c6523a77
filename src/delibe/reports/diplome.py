"""The relevé de notes attached to a diploma and the attestation de réussite, for the DUT (awarded once
the first 120 ECTS are acquired, S1–S4) and the BUT (180 ECTS, S1–S6): Arrêté du 15 avril 2022, annexe
1, §4.3 and §4.6. They print the jury's award; they never decide it."""

from __future__ import annotations

from typing import Any

from delibe.reports import codes
from delibe.reports.data import DIPLOME_LIBELLES, AttestationData, ReleveDiplomeData
from delibe.reports.render import document_context, html_to_pdf, render_html


def releve_context(data: ReleveDiplomeData) -> dict[str, Any]:
    shown = [u.decision.code for s in data.semestres for u in s.ues if u.decision]
    return document_context(
        data.config, titre=f"Relevé de notes du {data.diplome} — {data.etudiant.nom_complet}",
        date_edition=data.date_edition, data=data, etudiant=data.etudiant,
        formation=f"{data.diplome} {data.specialite}", annee_universitaire="",
        diplome_long=DIPLOME_LIBELLES.get(data.diplome, data.diplome),
        entete_droite=f"{DIPLOME_LIBELLES.get(data.diplome, data.diplome)}\n{data.specialite}",
        glossaire=codes.glossary_for(shown), niveaux_explication=codes.NIVEAUX_EXPLICATION,
        date_signature=data.date_edition or data.date_jury,
    )


def releve_html(data: ReleveDiplomeData) -> str:
    return render_html("reports/releve_diplome.html", releve_context(data))


def releve_pdf(data: ReleveDiplomeData) -> bytes:
    """Typst (:mod:`delibe.reports.typeset`, PDF/A-2b) unless ``DELIBE_PDF_MOTEUR=weasyprint``."""
    from delibe.reports import typeset

    ctx = releve_context(data)
    if typeset.use_typst([ctx["logo"], ctx["signature"]]):
        return typeset.releve_pdf(ctx)
    return html_to_pdf(render_html("reports/releve_diplome.html", ctx))


def attestation_context(data: AttestationData) -> dict[str, Any]:
    return document_context(
        data.config, titre=f"Attestation de réussite au {data.diplome} — {data.etudiant.nom_complet}",
        data=data, etudiant=data.etudiant, formation=f"{data.diplome} {data.specialite}",
        annee_universitaire=data.annee_universitaire, date_signature=data.date_edition or data.date_jury,
        entete_droite=f"{data.diplome_long}\nAnnée universitaire {data.annee_universitaire}",
    )


def attestation_html(data: AttestationData) -> str:
    return render_html("reports/attestation.html", attestation_context(data))


def attestation_pdf(data: AttestationData) -> bytes:
    """Typst (:mod:`delibe.reports.typeset`, PDF/A-2b) unless ``DELIBE_PDF_MOTEUR=weasyprint``."""
    from delibe.reports import typeset

    ctx = attestation_context(data)
    if typeset.use_typst([ctx["logo"], ctx["signature"]]):
        return typeset.attestation_pdf(ctx)
    return html_to_pdf(render_html("reports/attestation.html", ctx))
