"""A ScoDoc BUT formation export (rows from ``scodoc_formation``) plus a référentiel → the text of a Délibé
formation file (docs/formation-format.md). Pure: returns the text and the warnings, writes nothing.

What ScoDoc's export does not say is deduced and said: the competence of a UE comes from its acronyme
(« UE1.2 », « UE 12 » → competence 2) or else from its rank in its semester; its level is the
competence's level for that BUT year. Modules keep their code, title, hours (CM, TD, TP) and their
coefficient towards each UE. Bonus UEs (sport/culture) and pre-BUT exports are not converted.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from delibe.engine.model import ModuleKind, Referentiel
from delibe.imports.referentiel_yaml import _Dumper, _FlowMap, _one_line, referentiel_to_data
from delibe.imports.results import Issue
from delibe.imports.scodoc_formation import ScodocFormationExport


class ConversionError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _competence_number(acronyme: str, semestre: int) -> int | None:
    match = re.search(r"(\d)\s*[.\-_ ]?\s*(\d{1,2})\s*$", acronyme)
    if match and int(match[1]) == semestre:
        return int(match[2])
    return None


def formation_yaml(export: ScodocFormationExport, referentiel: Referentiel, *, formation_id: str,
                   source_file: str, imported_on: dt.date) -> tuple[str, list[Issue]]:
    """The formation file's text and the warnings; ConversionError when it cannot be built."""
    errors: list[Issue] = []
    warnings: list[Issue] = []
    if not export.is_but:
        raise ConversionError([Issue(export.filename, (
            f"export pré-BUT (type_parcours {export.type_parcours}) : Délibé ne gère que le BUT (type_parcours 700). "
            "Exportez la formation BUT depuis ScoDoc (Programmes › la formation BUT › Exporter)."))])
    by_numero: dict[int, list[Any]] = {}
    for c in referentiel.competences:
        by_numero.setdefault(c.numero, []).append(c)
    ue_codes: dict[tuple[str, int | None], str] = {}  # (acronyme, semestre) -> Délibé code
    semestres: dict[int, dict[str, list[dict[str, Any]]]] = {}
    ues = [u for u in export.ues if u.type == 0]
    for skipped in (u for u in export.ues if u.type != 0):
        warnings.append(Issue(skipped.place, f"UE « {skipped.acronyme} » de type {skipped.type} (bonus sport/culture) "
                                             "non convertie : les bonus sont des règles locales de Délibé."))
    for semestre in sorted({u.semestre for u in ues if u.semestre}):
        rank = 0
        for ue in sorted((u for u in ues if u.semestre == semestre), key=lambda u: (u.numero or 0, u.acronyme)):
            rank += 1
            numero = _competence_number(ue.acronyme, semestre)
            if numero is None:
                numero = rank
                warnings.append(Issue(ue.place, f"compétence de l'UE « {ue.acronyme} » déduite de son rang : "
                                                f"{numero} ; vérifiez-la."))
            annee = (semestre + 1) // 2
            candidates = by_numero.get(numero, [])
            niveau = None
            competence: str | int = numero
            if len(candidates) == 1:
                competence = candidates[0].nom_court
                niveau = next((n.ordre for n in candidates[0].niveaux if n.annee == annee), None)
            elif candidates:
                niveau = next((n.ordre for c in candidates for n in c.niveaux if n.annee == annee), None)
                warnings.append(Issue(ue.place, f"plusieurs compétences portent le numéro {numero} : le parcours "
                                                "de l'UE la désigne (précisez « parcours » si besoin)."))
            if not candidates or niveau is None:
                errors.append(Issue(ue.place, f"UE « {ue.acronyme} » (S{semestre}) : aucune compétence n°{numero} "
                                              f"avec un niveau en BUT{annee} dans le référentiel {referentiel.specialite}."))
                continue
            code = f"UE{semestre}.{numero}"
            ue_codes[(ue.acronyme, semestre)] = code
            item: dict[str, Any] = {"code": code}
            if ue.titre:
                item["titre"] = ue.titre
            item.update(competence=competence, niveau=niveau, ects=_number(ue.ects or 0))
            if ue.coef_rcue is not None and ue.coef_rcue != 1:
                item["coef_rcue"] = _number(ue.coef_rcue)
            if ue.ects is None:
                item["hypothese"] = "ECTS absents de l'export ScoDoc"
            semestres.setdefault(semestre, {"ues": [], "modules": []})["ues"].append(item)
    acronyme_semestre = {u.acronyme: u.semestre for u in ues}
    for module in export.modules:
        semestre = module.semestre or acronyme_semestre.get(module.ue)
        if module.kind is None:
            warnings.append(Issue(module.place, f"module « {module.code} » de type {module.module_type} (ni ressource "
                                                "ni SAÉ) non converti."))
            continue
        if semestre is None or semestre not in semestres:
            errors.append(Issue(module.place, f"module « {module.code} » : semestre inconnu (renseignez "
                                              "« semestre_id »)."))
            continue
        coefficients = {}
        for acronyme, coef in module.coefficients.items():
            code = ue_codes.get((acronyme, semestre))
            if code is None:
                warnings.append(Issue(module.place, f"coefficient de {module.code} vers « {acronyme} » ignoré : pas "
                                                    f"une UE convertie de S{semestre}."))
                continue
            coefficients[code] = _number(coef)
        heures = module.heures
        semestres[semestre]["modules"].append({
            "code": module.code, "titre": module.titre or module.code,
            "type": "ressource" if module.kind is ModuleKind.RESSOURCE else "sae",
            "heures": _FlowMap(cm=_number(heures.cm), td=_number(heures.td), tp=_number(heures.tp), projet=0),
            "coefficients": _FlowMap(coefficients),
        })
    if errors:
        raise ConversionError(errors)
    document: dict[str, Any] = {
        "format": "delibe-formation/1", "id": formation_id, "version": export.version or 1,
        "titre": export.titre_officiel or export.titre or export.acronyme,
        "referentiel": referentiel_to_data(referentiel, _one_line(f"{source_file}, importé le {imported_on}")),
        "semestres": [{"numero": s, **semestres[s]} for s in sorted(semestres)],
    }
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000, indent=2,
                     default_flow_style=False)
    header = (f"# Formation {_one_line(export.acronyme)} importée le {imported_on.isoformat()} par « delibe formation "
              f"import-scodoc » depuis {_one_line(source_file)} (ScoDoc, {export.source_format.upper()}).\n"
              "# Vérifiez-la avec « delibe formation check » : ECTS, compétences et niveaux déduits, heures de "
              "projet absentes de l'export (0).\n")
    return header + body, warnings
