"""The fiche formation of a formation version (PDF)."""

from __future__ import annotations

from typing import Any

from delibe.web.selectors.department_settings import (
    document_settings,
)
from delibe.web.services.documents.common import DocumentError
from delibe.web.services.formations import formation_model


def fiche_pdf(version: Any, parcours: str | None = None) -> bytes:
    from delibe.engine.fiche import build_fiche
    from delibe.reports.formation_pdf import fiche_pdf as render

    formation = formation_model(version)
    if parcours and formation.referentiel.parcours_by_code(parcours) is None:
        codes = ", ".join(p.code for p in formation.parcours) or "aucun"
        raise DocumentError(f"Parcours « {parcours} » inconnu dans {version}: choisissez parmi {codes}.")
    doc_settings = document_settings(version.department, formation)
    return render(build_fiche(formation, parcours or None), doc_settings.config)
