"""The bulletin (relevé de notes) of one student for one semester, as HTML, PDF and JSON.

Scope: docs/domain.md §6 — per UE/competence the average, the optional rank and the ECTS acquired;
per module the average and the evaluations (coefficient, weights, grade); absences; the jury's
decisions once taken, each code explained, and why UE, RCUE and year codes may differ.

The JSON follows ``schemas/bulletin.schema.json`` (:data:`SCHEMA_PATH`), modelled on ScoDoc's BUT
bulletin (``ues`` keyed by UE code with their ``ressources``/``saes`` and coefficients; ``ressources``
and ``saes`` keyed by module code with their evaluations) with two differences: numbers are JSON
numbers (``null`` when undefined), not formatted strings, and every decision carries its plain-French
explanation and the reasons behind it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from delibe.reports import codes, svg
from delibe.reports.data import BulletinData, Decision, ModuleResult, PenaliteAssiduite
from delibe.reports.render import document_context, html_to_pdf, render_html

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "bulletin.schema.json"
JSON_VERSION = "1"
TEMPLATE = "reports/bulletin.html"


def codes_shown(data: BulletinData) -> list[str]:
    found: list[str | None] = [u.decision.code if u.decision else None for u in data.ues]
    found += [r.decision.code if r.decision else None for r in data.rcues]
    found.append(data.decision_annee.code if data.decision_annee else None)
    return [c for c in found if c]


def titre(data: BulletinData) -> str:
    return f"Relevé de notes du semestre {data.semestre} — {data.etudiant.nom_complet}"


def _poids(poids: dict[str, float] | Any, ue_codes: list[str]) -> str:
    """« poids UE1.1 1, UE1.2 0,5 » in the order of the semester's UEs (weights 0 left out)."""
    from delibe.reports.format import nombre

    parts = [f"{code} {nombre(poids[code])}" for code in ue_codes if poids.get(code)]
    parts += [f"{code} {nombre(w)}" for code, w in poids.items() if code not in ue_codes and w]
    return "poids " + ", ".join(parts) if parts else "sans poids"


def penalite_texte(p: PenaliteAssiduite) -> str:
    """« Pénalité d'assiduité : −0,40 (Règlement intérieur…, adopté le 06/07/2023, 3 demi-journées non
    justifiées[, franchise de 1 par module][, plafond de 2,00 atteint]) »."""
    from delibe.reports.format import note

    details = [d for d in (p.reglement, _demi_journees(p.demi_journees)) if d]
    if p.franchise:
        details.append(f"franchise de {p.franchise} par module")
    if p.plafond is not None:
        details.append(f"plafond de {note(p.plafond)} atteint")
    return f"Pénalité d'assiduité : −{note(p.points)}" + (f" ({', '.join(details)})" if details else "")


def _demi_journees(n: int | None) -> str:
    if not n:
        return ""
    return f"{n} demi-journée{'s' if n > 1 else ''} non justifiée{'s' if n > 1 else ''}"


def context(data: BulletinData, *, charts: bool = True, charts_as_images: bool = False) -> dict[str, Any]:
    """The template context (the web app renders the same template with it). The charts are inline
    ``<svg>``; with ``charts_as_images`` (the PDF), ``<img>`` of the same SVG (:func:`svg.as_image`)."""
    chart = svg.as_image if charts_as_images else str
    modules = []
    ue_codes = [u.code for u in data.ues]
    for m in data.modules:
        modules.append({
            "module": m,
            "evaluations": [{"evaluation": e, "poids_texte": _poids(e.poids, ue_codes)} for e in m.evaluations],
            "chart": chart(svg.distribution(m.distribution, m.moyenne))
            if charts and m.distribution and data.config.details_evaluations else "",
            "effectif": len(m.distribution),
        })
    axes = [(u.competence or u.code, u.moyenne) for u in data.ues]
    penalites = {u.code: penalite_texte(u.penalite_assiduite) for u in data.ues if u.penalite_assiduite}
    shown = codes_shown(data)
    return document_context(
        data.config,
        titre=titre(data),
        date_edition=data.date_edition,
        data=data,
        etudiant=data.etudiant,
        formation=data.formation,
        annee_universitaire=data.annee_universitaire,
        radar=chart(svg.radar(axes)) if charts and data.ues else "",
        poles=[
            {"titre": "Ressources", "modules": [m for m in modules if not m["module"].is_sae]},
            {"titre": "Situations d'apprentissage et d'évaluation (SAÉ)",
             "modules": [m for m in modules if m["module"].is_sae]},
        ],
        afficher_rangs=data.config.afficher_rangs and any(u.rang is not None for u in data.ues),
        glossaire=codes.glossary_for(shown),
        niveaux_explication=codes.NIVEAUX_EXPLICATION,
        has_decisions=bool(shown),
        has_contributions=any(u.modules for u in data.ues),
        penalites=penalites,
        # the penalty line spans every column of the UE table but the first (UE, [rang], ECTS, décision…)
        colspan_penalite=5 if data.config.afficher_rangs and any(u.rang is not None for u in data.ues) else 4,
    )


def to_html(data: BulletinData) -> str:
    return render_html(TEMPLATE, context(data))


def to_pdf(data: BulletinData) -> bytes:
    """Typst (:mod:`delibe.reports.typeset`) unless ``DELIBE_PDF_MOTEUR=weasyprint``."""
    from delibe.reports import typeset

    ctx = context(data)
    if typeset.use_typst([ctx["logo"], ctx["signature"]]):
        return typeset.bulletin_pdf(ctx)
    return html_to_pdf(render_html(TEMPLATE, context(data, charts_as_images=True)))


def _decision(d: Decision | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "code": d.code,
        "libelle": codes.libelle(d.code),
        "explication": codes.explain(d.code),
        "provisoire": d.provisoire,
        "motifs": list(d.motifs),
    }


def _module(m: ModuleResult) -> dict[str, Any]:
    dist = m.distribution
    return {
        "titre": m.titre,
        "type": m.kind,
        "moyenne": m.moyenne,
        "evaluations": [
            {
                "description": e.description,
                "date": e.date,
                "coef": e.coefficient,
                "note_max": e.note_max,
                "note": e.note,
                "valeur": e.valeur,
                "poids": dict(e.poids),
            }
            for e in m.evaluations
        ],
        "distribution": {
            "effectif": len(dist),
            "min": min(dist) if dist else None,
            "max": max(dist) if dist else None,
            "moyenne": sum(dist) / len(dist) if dist else None,
        },
    }


def to_dict(data: BulletinData) -> dict[str, Any]:
    """The bulletin as JSON-ready data (see the module docstring and the schema)."""
    e = data.etudiant
    return {
        "version": JSON_VERSION,
        "type": "BUT",
        "etablissement": {
            "nom": data.config.etablissement,
            "departement": data.config.departement,
            "universite": data.config.universite,
        },
        "formation": data.formation,
        "parcours": data.parcours,
        "etudiant": {
            "nom": e.nom,
            "prenom": e.prenom,
            "numero": e.numero,
            "ine": e.ine,
            "date_naissance": e.date_naissance,
            "civilite": e.civilite,
        },
        "semestre": {
            "numero": data.semestre,
            "annee_universitaire": data.annee_universitaire,
            "date_jury": data.date_jury,
            "provisoire": data.provisoire,
            "ects": {"acquis": data.ects_acquis, "total": data.ects_total},
            "absences": None if data.absences is None else {
                "justifiees": data.absences.justifiees,
                "injustifiees": data.absences.injustifiees,
                "total": data.absences.total,
                "unite": data.absences.unite,
            },
        },
        "ues": {
            u.code: {
                "competence": u.competence,
                "titre": u.titre,
                "moyenne": u.moyenne,
                "rang": u.rang if data.config.afficher_rangs else None,
                "effectif": u.effectif,
                "ects": {"acquis": u.ects_acquis, "total": u.ects},
                "capitalisee": u.capitalisee,
                "bonus": u.bonus,
                "penalite_assiduite": None if u.penalite_assiduite is None else {
                    "points": u.penalite_assiduite.points,
                    "reglement": u.penalite_assiduite.reglement,
                    "demi_journees": u.penalite_assiduite.demi_journees,
                    "franchise": u.penalite_assiduite.franchise,
                    "plafond": u.penalite_assiduite.plafond,
                    "texte": penalite_texte(u.penalite_assiduite),
                },
                "decision": _decision(u.decision),
                "ressources": {m.code: {"titre": m.titre, "coef": m.coefficient, "moyenne": m.moyenne}
                               for m in u.ressources},
                "saes": {m.code: {"titre": m.titre, "coef": m.coefficient, "moyenne": m.moyenne} for m in u.saes},
            }
            for u in data.ues
        },
        "ressources": {m.code: _module(m) for m in data.modules if not m.is_sae},
        "saes": {m.code: _module(m) for m in data.modules if m.is_sae},
        "rcues": [
            {"competence": r.competence, "ues": list(r.ues), "moyenne": r.moyenne, "decision": _decision(r.decision)}
            for r in data.rcues
        ],
        "annee": _decision(data.decision_annee),
        "codes": {c.code: {"libelle": c.libelle, "explication": c.explication}
                  for c in codes.glossary_for(codes_shown(data))},
        "explication_niveaux": codes.NIVEAUX_EXPLICATION,
        "messages": list(data.messages),
    }


def to_json(data: BulletinData) -> str:
    return json.dumps(to_dict(data), ensure_ascii=False, indent=2)


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded
