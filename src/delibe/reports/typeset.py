"""PDFs typeset by Typst (the ``typst`` package, pinned in pyproject.toml): about ten times less CPU than
WeasyPrint for the same document, and archival PDF/A-2b, tagged, in French (docs/adr/0013-typst-documents.md).

A report renders, it never computes: each ``*_view`` below takes the context the HTML template receives
(``bulletin.context(data)``, ``pv.context(data)``…, built once from the engine's results) and turns it
into plain strings, formatted by the same filters as the HTML (:mod:`delibe.reports.format`); the Typst
templates (``typst/*.typ``) only lay them out. One compiler per process is reused (its fonts and parsed
templates stay in memory). Fonts come from ``fonts/`` (DejaVu Sans, as the HTML), never from the
system, so a PDF looks the same on every machine.

``DELIBE_PDF_MOTEUR`` (config/variables.py) chooses the engine: ``typst`` (default) or ``weasyprint``,
the previous path, kept as a fallback; :func:`engine` reads it. A logo or signature given as an
``http(s)://`` URL is not fetched by Typst: such a document is printed by WeasyPrint.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import re
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from delibe.reports import codes
from delibe.reports.format import date_court, date_fr, nombre, note

TYPST_DIR = Path(__file__).resolve().parent / "typst"
FONTS_DIR = Path(__file__).resolve().parent / "fonts"
ENGINES = ("typst", "weasyprint")
PDF_STANDARD = "a-2b"
_LOCK = threading.Lock()


class RemoteImage(ValueError):
    """A logo or signature behind a URL: Typst reads local files only (the caller falls back)."""


def engine() -> str:
    """The PDF engine chosen by ``DELIBE_PDF_MOTEUR`` (``typst`` by default)."""
    from delibe.config.variables import VariableError, value

    name = str(value("DELIBE_PDF_MOTEUR") or "typst").strip().lower()
    if name not in ENGINES:
        raise VariableError(f"DELIBE_PDF_MOTEUR={name!r} : attendu « typst » ou « weasyprint ».")
    return name


@functools.cache
def _compiler() -> Any:
    import typst

    # root "/": the logos and signatures are absolute paths of the department's settings
    return typst.Compiler(root="/", font_paths=[str(FONTS_DIR)], ignore_system_fonts=True)


def compile_pdf(template: str, view: dict[str, Any]) -> bytes:
    """The PDF/A-2b of ``typst/<template>`` fed with ``view`` (JSON in ``sys.inputs.data``)."""
    y, m, d = view["meta"]["date"]
    with _LOCK:  # one compiler per process, and the web server prints from several threads
        pdf = _compiler().compile(
            input=str(TYPST_DIR / template),
            sys_inputs={"data": json.dumps(view, ensure_ascii=False)},
            pdf_standards=[PDF_STANDARD],
            # the document's own date, not the clock: the same data give the same bytes
            timestamp=dt.datetime(y, m, d, 12, 0, tzinfo=dt.UTC),
        )
    assert isinstance(pdf, bytes)
    return pdf


# ------------------------------------------------------------------------------------------ shared parts

def _iso(value: str | None) -> tuple[int, int, int]:
    if value:
        try:
            y, m, d = (int(p) for p in str(value)[:10].split("-"))
            dt.date(y, m, d)
            return y, m, d
        except ValueError:
            pass
    return 2000, 1, 1


def _image_path(url: str | None) -> str | None:
    """``render.image_url``'s result as a local path Typst can read."""
    if not url:
        return None
    if url.startswith("file://"):
        from urllib.parse import unquote, urlparse

        return unquote(urlparse(url).path)
    if url.startswith("data:"):
        header, _, payload = url.partition(",")
        raw = base64.b64decode(payload) if header.endswith(";base64") else payload.encode()
        ext = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg", "image/gif": ".gif"}.get(
            header[5:].split(";")[0], ".png")
        path = Path(tempfile.gettempdir()) / f"delibe-image-{hashlib.sha256(raw).hexdigest()[:20]}{ext}"
        if not path.exists():
            path.write_bytes(raw)
        return str(path)
    raise RemoteImage(url)


def meta(ctx: dict[str, Any], date: str | None, sujet: str) -> dict[str, Any]:
    config = ctx["config"]
    return {
        "titre": ctx["titre"],
        "auteur": " — ".join(p for p in (config.etablissement, config.departement and
                                          f"Département {config.departement}") if p),
        "sujet": sujet,
        "mots_cles": ["Délibé", sujet],
        "date": list(_iso(date or ctx.get("date_edition"))),
    }


def entete(ctx: dict[str, Any]) -> dict[str, Any]:
    config = ctx["config"]
    if ctx.get("entete_droite"):
        droite = str(ctx["entete_droite"]).split("\n")
    else:
        droite = [ctx.get("formation") or ""]
        if ctx.get("annee_universitaire"):
            droite.append(f"Année universitaire {ctx['annee_universitaire']}")
    return {
        "logo": _image_path(ctx.get("logo")),
        "universite": config.universite,
        "etablissement": config.etablissement,
        "departement": config.departement,
        "adresse": config.adresse,
        "droite": droite,
    }


def glossaire(ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "niveaux": ctx["niveaux_explication"],
        "codes": [{"code": c.code, "libelle": c.libelle, "niveaux": c.niveaux_libelle or "",
                   "explication": c.explication} for c in ctx["glossaire"]],
    }


def signature(ctx: dict[str, Any]) -> dict[str, Any]:
    config = ctx["config"]
    quand = date_fr(ctx.get("date_signature"))
    return {
        "fait": f"Fait à {config.ville}, le {quand}" if config.ville else f"Le {quand}",
        "titre": config.signataire_titre,
        "image": _image_path(ctx.get("signature")),
        "nom": ctx.get("signataire_nom") or "",
    }


def _base(ctx: dict[str, Any], date: str | None, sujet: str) -> dict[str, Any]:
    return {"meta": meta(ctx, date, sujet), "entete": entete(ctx), "pied": ctx["footer"]}


def _code(decision: Any) -> str:
    if decision is None:
        return "—"
    return decision.code + ("*" if decision.provisoire else "")


def _svg_alt(svg: str) -> str:
    found = re.search(r"<title>(.*?)</title>", svg, re.DOTALL)
    import html

    return html.unescape(found.group(1)) if found else ""


# ------------------------------------------------------------------------------------------ bulletin

PROVISOIRE = ("Des notes sont en attente ou des évaluations ne sont pas encore complètes: les moyennes "
              "peuvent encore changer et aucune décision n'est prise.")
LEGENDE = ("Promotion: répartition des moyennes du module dans la promotion, de 0 à 20 (▲ votre moyenne, en "
           "bleu votre classe, pointillé: 10/20). Poids: part de l'évaluation dans chaque UE que le module "
           "alimente. ABS: absence, comptée 0; EXC: excusée, non comptée; ATT: en attente.")


def _jury_text(ctx: dict[str, Any]) -> str:
    data = ctx["data"]
    if data.date_jury:
        text = f"{'Jury d' + chr(39) + 'année' if data.jury_annuel else 'Jury'} du {date_fr(data.date_jury)}."
        if data.semestre % 2 and not data.jury_annuel:
            text += (" Au semestre impair, le jury ne décide que des UE: un code AJ y est provisoire et peut "
                     "devenir CMP au jury de fin d'année.")
        return text
    if ctx["has_decisions"]:
        which = ("des UE ci-dessus et ceux ci-dessous" if data.rcues or data.decision_annee else "des UE ci-dessus")
        return f"Le jury ne s'est pas encore réuni: les codes {which} sont des propositions (*), pas des décisions."
    return "Le jury ne s'est pas encore réuni: aucune décision n'est prise."


def _decision_annee(dec: Any, entete: str) -> dict[str, Any]:
    return {
        "entete": entete,
        "libelle": codes.libelle(dec.code),
        "explication": codes.explain(dec.code),
        "provisoire": bool(dec.provisoire),
        "note_proposition": "* Proposition calculée selon les règles: le jury ne l'a pas encore arrêtée et peut "
                            "en décider autrement.",
        "motifs": list(dec.motifs),
    }


def _evaluation_value(e: Any) -> str:
    if e.valeur:
        return str(e.valeur)
    if e.note is None:
        return "non saisie"
    return note(e.note) + (f" / {nombre(e.note_max)}" if e.note_max != 20 else "")


def _evaluation_line(ev: dict[str, Any]) -> list[str]:
    """One line of a module's evaluations as two strings, the text and the grade (bold): one text run
    for Typst instead of nine pieces of markup (the modules' table is most of a bulletin's layout).
    Around an empty part (a date not given) the two spaces are one, as Typst's markup printed them.
    The description is no longer kept on one line by a box: it starts the line, so it broke only when
    longer than the column, where it now wraps instead of overflowing."""
    e = ev["evaluation"]
    pieces = (e.description, " · ", date_court(e.date), " · coef. ", nombre(e.coefficient), " · ",
              ev["poids_texte"], " → ")
    text = ""
    for i, piece in enumerate(pieces):
        if i % 2 and i > 1 and not pieces[i - 1] and text.endswith(" "):
            piece = piece[1:]
        text += piece
    return [text, _evaluation_value(e)]


def bulletin_view(ctx: dict[str, Any]) -> dict[str, Any]:
    """The bulletin's context (``bulletin.context(data)``, charts as inline SVG) as strings."""
    data = ctx["data"]
    e = ctx["etudiant"]
    rangs = bool(ctx["afficher_rangs"])
    colonnes = [["UE", "l"], ["Compétence", "l"], ["Moyenne", "r"], *([["Rang", "r"]] if rangs else []),
                ["ECTS", "r"], ["Décision", "c"]]
    lignes = []
    for u in data.ues:
        sous = [s for s in (u.titre, "UE capitalisée (acquise antérieurement)" if u.capitalisee else "",
                            f"dont bonus {note(u.bonus)}" if u.bonus else "") if s]
        rang = (f"{u.rang}" + (f" / {u.effectif}" if u.effectif else "")) if u.rang else "—"
        lignes.append({"code": u.code, "competence": u.competence, "sous": sous, "moyenne": note(u.moyenne),
                       "rang": rang, "ects": f"{nombre(u.ects_acquis)} / {nombre(u.ects)}",
                       "decision": _code(u.decision), "penalite": ctx["penalites"].get(u.code, "")})
    naissance = f", né(e) le {date_fr(e.date_naissance)}" if e.date_naissance else ""
    absences = ""
    if data.absences:
        a = data.absences
        absences = (f"Absences: {a.total} {a.unite}, dont {a.injustifiees} non justifiée"
                    f"{'s' if a.injustifiees != 1 else ''}.")
    dec = data.decision_annee
    poles = []
    if data.config.details_evaluations:
        for pole in ctx["poles"]:
            if not pole["modules"]:
                continue
            poles.append({"titre": pole["titre"], "modules": [{
                "code": item["module"].code, "titre": item["module"].titre, "moyenne": note(item["module"].moyenne),
                "evaluations": [_evaluation_line(ev) for ev in item["evaluations"]],
                "chart": item["chart"],
            } for item in pole["modules"]]})
    charts = [m["chart"] for p in poles for m in p["modules"] if m["chart"]]
    return {
        **_base(ctx, data.date_edition or data.date_jury, "Relevé de notes"),
        "h1": f"Relevé de notes — Semestre {data.semestre}",
        "nom": e.nom_complet,
        "identite": [[naissance, f"N° étudiant: {e.numero or '—'}", f"INE: {e.ine or '—'}"],
                     [data.formation + (f" — parcours {data.parcours}" if data.parcours else ""),
                      f"Semestre {data.semestre}", data.annee_universitaire]],
        "provisoire": PROVISOIRE if data.provisoire else "",
        "radar": ctx["radar"],
        "radar_alt": _svg_alt(ctx["radar"]) if ctx["radar"] else "",
        "ues": {"rangs": rangs, "colonnes": colonnes, "lignes": lignes,
                "ects_total": f"{nombre(data.ects_acquis)} / {nombre(data.ects_total)}"},
        "absences": absences,
        "jury": _jury_text(ctx),
        "rcues": [[r.competence, " + ".join(r.ues), note(r.moyenne), _code(r.decision)] for r in data.rcues],
        "decision_annee": None if dec is None else _decision_annee(
            dec, f"Année: {dec.code}{'*' if dec.provisoire else ''}"),
        "composition": [{"code": u.code, "competence": u.competence,
                         "modules": [[f"{m.code} {m.titre}", f" ×{nombre(m.coefficient)} → ", note(m.moyenne)]
                                     for m in u.modules]} for u in data.ues] if ctx["has_contributions"] else [],
        "poles": poles,
        "chart_alt": _svg_alt(charts[0]) if charts else "",
        "legende": LEGENDE if data.config.details_evaluations and data.modules else "",
        "messages": list(data.messages),
        "glossaire": glossaire(ctx),
    }


# ------------------------------------------------------------------------------------------ PV

def _pv_cell(c: dict[str, Any]) -> dict[str, Any]:
    if c["vide"]:
        return {"vide": True, "moyenne": "", "code": "", "ok": False}
    return {"vide": False, "moyenne": note(c["moyenne"]), "code": c["code"] or "", "ok": bool(c["ok"])}


def pv_view(ctx: dict[str, Any]) -> dict[str, Any]:
    data = ctx["data"]
    rows = []
    for r in ctx["rows"]:
        row = r["row"]
        ects = nombre(row.ects_annee)
        cumul = (f"cumul {nombre(row.ects_cumul)}" if row.ects_cumul is not None
                 and row.ects_cumul != row.ects_annee else "")
        rows.append({
            "numero": str(r["numero"]), "nom": row.etudiant.nom.upper(), "prenom": row.etudiant.prenom,
            "sous": row.etudiant.numero + (f" · {row.parcours}" if row.parcours else ""),
            "cellules": [_pv_cell(c) for c in r["ues"]] + [_pv_cell(c) for c in r["rcues"]],
            "annee": row.code_annee or "", "ects": ects, "cumul": cumul,
            "diplomes": ", ".join(row.diplomes), "observations": row.observations,
        })
    stats = ctx["stats"]
    synthese = None
    if stats:
        synthese = {
            "cases": [["Effectif", str(stats.effectif)], *[[c, str(n)] for c, n in ctx["codes_annee"]],
                      *[[f"{d} délivrés", str(n)] for d, n in ctx["diplomes"]]],
            "codes_ue": ("Décisions d'UE: " + " · ".join(f"{c} {n}" for c, n in ctx["codes_ue"]) + ".")
            if ctx["codes_ue"] else "",
            "moyennes": ("Moyennes de la promotion: " + " · ".join(f"{lab} {note(m)}"
                                                                   for lab, m in ctx["moyennes_colonnes"]) + ".")
            if ctx["moyennes_colonnes"] else "",
        }
    intro = [f"{data.formation}", (f" — parcours {data.parcours}" if data.parcours else "")
             + f" — année universitaire {data.annee_universitaire}"]
    return {
        **_base(ctx, data.date_jury, "Procès-verbal de jury"),
        "h1": data.titre,
        "intro": intro,
        "jury": [date_fr(data.date_jury), f" à {data.lieu}" if data.lieu else "", data.president],
        "membres": f"Membres: {', '.join(data.membres)}." if data.membres else "",
        "colonnes_ue": [c.libelle for c in data.ue_columns],
        "colonnes_rcue": [c.libelle for c in data.rcue_columns],
        "annee": bool(ctx["has_annee"]),
        "lignes": rows,
        "synthese": synthese,
        "membres_liste": list(data.membres),
        "signature": signature(ctx),
        "glossaire": glossaire(ctx),
    }


# ------------------------------------------------------------------------------------------ letter

def lettre_view(ctx: dict[str, Any]) -> dict[str, Any]:
    data = ctx["data"]
    e = ctx["etudiant"]
    config = ctx["config"]
    quand = date_fr(ctx["date_signature"])
    dec = data.decision_annee
    noms = {"DUT": "le diplôme universitaire de technologie (DUT)",
            "BUT": "le bachelor universitaire de technologie (BUT)"}
    return {
        **_base(ctx, data.date_lettre or data.date_jury, "Décision du jury"),
        "destinataire": [e.appellation, *data.adresse_etudiant],
        "lieu_date": f"{config.ville}, le {quand}" if config.ville else f"Le {quand}",
        "objet": (f"Objet: décision du jury de {data.annee_but}{'re' if data.annee_but == 1 else 'e'} année — "
                  f"{data.formation} — {data.annee_universitaire}"),
        "appel": {"Mme": "Madame", "M.": "Monsieur"}.get(e.civilite, "Madame, Monsieur") + ",",
        "phrase": f"Le jury réuni le {date_fr(data.date_jury)} a pris à votre égard la décision suivante:",
        "decision": None if dec is None else {**_decision_annee(dec, f"{dec.code} — {codes.libelle(dec.code)}"),
                                              "provisoire": False, "libelle": ""},
        "suite": ctx["suite"],
        "diplomes": ("Le jury vous a attribué: " + " et ".join(noms.get(d, d) for d in data.diplomes) + ".")
        if data.diplomes else "",
        "ects": (f"Vous avez acquis à ce jour {nombre(data.ects_acquis)} crédits européens (ECTS)."
                 if data.ects_acquis is not None else ""),
        "rcues": [[r.competence, " + ".join(r.ues), note(r.moyenne), r.decision.code if r.decision else "—"]
                  for r in data.rcues],
        "ues": [[u.code, u.competence, note(u.moyenne), f"{nombre(u.ects_acquis)} / {nombre(u.ects)}",
                 u.decision.code if u.decision else "—"] for u in data.ues],
        "signature": signature(ctx),
        "recours": data.voies_de_recours,
        "glossaire": glossaire(ctx),
    }


# ------------------------------------------------------------------------------------------ diplomas

def _identite_diplome(e: Any) -> str:
    if not e.date_naissance:
        return ""
    return f", né(e) le {date_fr(e.date_naissance)}" + (f" à {e.lieu_naissance}" if e.lieu_naissance else "")


def releve_view(ctx: dict[str, Any]) -> dict[str, Any]:
    data = ctx["data"]
    e = ctx["etudiant"]
    return {
        **_base(ctx, data.date_edition or data.date_jury, "Relevé de notes du diplôme"),
        "h1": f"Relevé de notes — {ctx['diplome_long']} ({data.diplome})",
        "nom": e.nom_complet,
        "identite": [[_identite_diplome(e), f"N° étudiant: {e.numero or '—'}", f"INE: {e.ine or '—'}"],
                     [f"Spécialité {data.specialite}" + (f" — parcours {data.parcours}" if data.parcours else "")]],
        "semestres": [{
            "titre": f"Semestre {s.semestre}" + (f" — {s.annee_universitaire}" if s.annee_universitaire else ""),
            "ues": [[u.code, u.competence, note(u.moyenne), u.decision.code if u.decision else "—",
                     nombre(u.ects_acquis)] for u in s.ues],
        } for s in data.semestres],
        "diplome": [f"{ctx['diplome_long']} — {data.specialite}", date_fr(data.date_jury), f"{nombre(data.ects)} ECTS"],
        "signature": signature(ctx),
        "glossaire": glossaire(ctx),
    }


def attestation_view(ctx: dict[str, Any]) -> dict[str, Any]:
    data = ctx["data"]
    e = ctx["etudiant"]
    config = ctx["config"]
    naissance = ""
    if e.date_naissance:
        naissance = f"né(e) le {date_fr(e.date_naissance)}" + (f" à {e.lieu_naissance}" if e.lieu_naissance
                                                                 else "") + ", "
    numero = ""
    if e.numero:
        numero = f"numéro étudiant {e.numero}" + (f", INE {e.ine}" if e.ine else "") + ","
    return {
        **_base(ctx, data.date_edition or data.date_jury, "Attestation de réussite"),
        "signataire": config.signataire_titre + (f", {config.signataire_nom}," if config.signataire_nom else ""),
        "etudiant": e.appellation,
        "identite": naissance + numero,
        "diplome": [f"{data.diplome_long} ({data.diplome})", f"spécialité {data.specialite}",
                    *([f"parcours {data.parcours}"] if data.parcours else [])],
        "decision": (f"par décision du jury du {date_fr(data.date_jury)}, au titre de l'année universitaire "
                     f"{data.annee_universitaire}, et a acquis {nombre(data.ects)} crédits européens (ECTS)."),
        "signature": signature(ctx),
    }


# ------------------------------------------------------------------------------------------ fiche

def fiche_view(doc: dict[str, Any], config: Any, footer: str) -> dict[str, Any]:
    """The fiche formation (``fiche.fiche_document(fiche)``, the structure its HTML renders)."""
    ctx = {"config": config, "titre": doc["titre"], "footer": footer, "formation": "", "logo": None}
    return {**_base(ctx, None, "Fiche formation"), **doc}


# ------------------------------------------------------------------------------------------ attendance

def assiduite_view(rapport: Any) -> dict[str, Any]:
    """The monthly attendance report of one employer (``reports.assiduite.RapportMensuel``), in the words
    of its HTML (``assiduite.rapport_html``)."""
    from delibe.reports import assiduite

    sujet = "Relevé mensuel d'assiduité"
    return {
        "meta": {"titre": f"Assiduité — {rapport.employeur} — {rapport.periode}", "auteur": rapport.etablissement,
                 "sujet": sujet, "mots_cles": ["Délibé", sujet], "date": [rapport.annee, rapport.mois, 1]},
        "pied": f"{rapport.etablissement} — {sujet} — {rapport.employeur} — {rapport.periode}",
        "h1": f"{sujet} — {rapport.periode}",
        "etablissement": rapport.etablissement,
        "employeur": rapport.employeur,
        "apprentis": [{
            "titre": f"{a.nom} {a.prenom} (NIP {a.nip})",
            "contrat": f"Maître d'apprentissage : {a.tuteur or '—'} · Contrat {a.contrat}",
            "synthese": [str(a.justifiees), str(a.non_justifiees), str(a.retards)],
            "alternance": assiduite.alternance_text(a),
            "lignes": [[date_court(line.date), line.creneau, line.module or "—", line.nature,
                        "oui" if line.justifiee else "non"] for line in a.lignes],
        } for a in rapport.apprentis],
    }


# ------------------------------------------------------------------------------------------ entry points

def bulletin_pdf(ctx: dict[str, Any]) -> bytes:
    return compile_pdf("bulletin.typ", bulletin_view(ctx))


def pv_pdf(ctx: dict[str, Any]) -> bytes:
    return compile_pdf("pv.typ", pv_view(ctx))


def lettre_pdf(ctx: dict[str, Any]) -> bytes:
    return compile_pdf("lettre.typ", lettre_view(ctx))


def releve_pdf(ctx: dict[str, Any]) -> bytes:
    return compile_pdf("releve.typ", releve_view(ctx))


def attestation_pdf(ctx: dict[str, Any]) -> bytes:
    return compile_pdf("attestation.typ", attestation_view(ctx))


def fiche_pdf(doc: dict[str, Any], config: Any, footer: str) -> bytes:
    return compile_pdf("fiche.typ", fiche_view(doc, config, footer))


def assiduite_pdf(rapport: Any) -> bytes:
    return compile_pdf("assiduite.typ", assiduite_view(rapport))


def use_typst(images: Sequence[str | None] = ()) -> bool:
    """Typst is chosen and can read the document's images (local files or ``data:`` URLs)."""
    if engine() != "typst":
        return False
    return all(not url or url.startswith(("file://", "data:")) for url in images)
