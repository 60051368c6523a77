"""Load a formation file (docs/formation-format.md) into the engine's frozen ``Formation``.

Three passes, each reporting every problem it finds (never only the first): safe YAML with line numbers
(``yamlread``), shape and types (pydantic, ``schema``), meaning (this module: competences, levels,
parcours, UE codes « UE<semestre>.<numéro> » (arrêté du 15 avril 2022, annexe 1, point 3), coefficients
only on UEs of the module's semester, duplicates). Every problem names the file, the line and the field,
in French, with what to do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from delibe.engine.model import (
    UE,
    ApprentissageCritique,
    Assumption,
    Competence,
    Formation,
    Heures,
    Modality,
    Module,
    ModuleKind,
    Niveau,
    Parcours,
    Referentiel,
    frozen_map,
)
from delibe.formations.schema import FORMAT, FormationIn, SemestreIn
from delibe.formations.yamlread import Path_, YamlReadError, read_yaml

UE_CODE = re.compile(r"^UE(\d)\.(\d+)$")
ENV_DIR = "DELIBE_FORMATIONS_DIR"


@dataclass(frozen=True)
class Problem:
    filename: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.filename
        if self.line is not None:
            where += f", ligne {self.line}"
        if self.field:
            where += f", {self.field}"
        return f"{where} : {self.message}"


class FormationError(Exception):
    """A formation file that cannot be loaded, with every problem found (file, line, field, message)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        head = f"{count} problème{'s' if count > 1 else ''} dans la formation :"
        super().__init__("\n".join([head, *(f"  - {p}" for p in problems)]))


def field_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Reporter:
    def __init__(self, filename: str, lines: Mapping[Path_, int]) -> None:
        self.filename = filename
        self.lines = lines
        self.problems: list[Problem] = []

    def line_of(self, path: Path_) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def add(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.filename, self.line_of(path), field_path(path), message))


# ---------------------------------------------------------------------------------------------- entry points

def formations_dir() -> Path:
    """Where formation ids are looked up: $DELIBE_FORMATIONS_DIR, else the repository's ``formations/``."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "formations"


def list_formations() -> list[str]:
    """The ids of the formation files available (file names without ``.yaml``), sorted."""
    directory = formations_dir()
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.yaml") if p.is_file())


def resolve(id_or_path: str | Path) -> Path:
    """A path is read directly; an id (``but-mmi-dijon``) is looked up in ``formations_dir()``."""
    text = str(id_or_path)
    if isinstance(id_or_path, Path) or "/" in text or os.sep in text or text.endswith((".yaml", ".yml")):
        return Path(id_or_path)
    return formations_dir() / f"{text}.yaml"


# Loaded formations are frozen, so they can be shared: cache them by file, modification time and size (the
# pure-Python SafeLoader takes ~0.2 s on the MMI file). An edited file is read again.
_CACHE: dict[tuple[str, int, int], Formation] = {}
_CACHE_SIZE = 32


def load_formation(id_or_path: str | Path) -> Formation:
    """The formation of an id (``formations/<id>.yaml`` or ``$DELIBE_FORMATIONS_DIR/<id>.yaml``) or a path."""
    path = resolve(id_or_path)
    shown = _shown_name(path)
    if not path.is_file():
        known = ", ".join(list_formations()) or "aucune"
        raise FormationError([Problem(shown, None, "", f"fichier introuvable. Formations disponibles : {known} "
                                      f"(dossier {formations_dir()}).")])
    try:
        stat = path.stat()
        if stat.st_size > 5 * 1024 * 1024:
            raise FormationError([Problem(shown, None, "", f"fichier trop gros ({stat.st_size / 1e6:.1f} Mo) : la "
                                          "limite est 5 Mo.")])
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        if key in _CACHE:
            return _CACHE[key]
        data = path.read_bytes()
    except OSError as exc:
        raise FormationError([Problem(shown, None, "", f"lecture impossible : {exc.strerror}.")]) from None
    formation = load_formation_text(data, shown, expected_id=path.stem)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = formation
    return formation


def load_formation_text(text: str | bytes, filename: str = "<texte>", expected_id: str | None = None) -> Formation:
    try:
        data, lines = read_yaml(text)
    except YamlReadError as exc:
        raise FormationError([Problem(filename, p.line, "", p.message) for p in exc.problems]) from None
    return formation_from_data(data, filename, expected_id, lines)


def formation_from_data(data: Any, filename: str = "<données>", expected_id: str | None = None,
                        lines: Mapping[Path_, int] | None = None) -> Formation:
    """Validate already-parsed data (e.g. ``yaml.safe_load`` output, or a stored copy) and build the
    formation; ``lines`` (field path → line) lets messages name lines when the data came from a file."""
    report = _Reporter(filename, lines or {})
    try:
        parsed = FormationIn.model_validate(data)
    except ValidationError as exc:
        reported: set[tuple[str | int, ...]] = set()
        for error in exc.errors():
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("[")))
            # pydantic adds the branch name of a union ("str", "int") to the location: not a field; one
            # message per field is enough (a union reports once per branch)
            loc = tuple(p for p in loc if p not in ("str", "int", "bool", "float"))
            if loc in reported:
                continue
            reported.add(loc)
            report.add(loc, _french(error))
        raise FormationError(report.problems) from None
    if expected_id is not None and parsed.id != expected_id:
        report.add(("id",), f"l'id « {parsed.id} » doit être le nom du fichier (« {expected_id} ») : renommez "
                            "le fichier ou corrigez l'id.")
    formation = _build(parsed, report)
    if report.problems:
        raise FormationError(report.problems)
    assert formation is not None
    return formation


def _shown_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------- pydantic → fr

def _n(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _french(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    shown = ("une liste" if isinstance(given, list) else "un dictionnaire" if isinstance(given, dict)
             else repr(given))
    if kind == "missing":
        return "champ obligatoire manquant : ajoutez-le."
    if kind == "extra_forbidden":
        return "champ inconnu : supprimez-le ou corrigez son nom (voir docs/formation-format.md)."
    if kind in ("greater_than_equal", "greater_than"):
        return f"valeur {shown} trop petite : elle doit être ≥ {_n(ctx.get('ge', ctx.get('gt')))}."
    if kind in ("less_than_equal", "less_than"):
        return f"valeur {shown} trop grande : elle doit être ≤ {_n(ctx.get('le', ctx.get('lt')))}."
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        what = "un nombre entier" if kind.startswith("int") else "un nombre"
        if isinstance(given, (list, dict)):
            return f"{what} est attendu ici, pas {shown}."
        return f"{shown} n'est pas {what} : écrivez un nombre sans guillemets."
    if kind in ("string_type",):
        if isinstance(given, (list, dict)):
            return f"une valeur simple (texte) est attendue ici, pas {shown}."
        return f"{shown} n'est pas un texte : mettez la valeur entre guillemets."
    if kind in ("bool_type", "bool_parsing"):
        return f"{shown} n'est pas un booléen : écrivez true ou false (ou un texte d'explication)."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"un dictionnaire (clé: valeur) est attendu ici, pas {shown}."
    if kind in ("list_type",):
        return f"une liste est attendue ici, pas {shown}."
    if kind == "literal_error":
        return f"valeur {shown} non permise : valeurs possibles {ctx.get('expected')}."
    if kind == "string_pattern_mismatch":
        return f"valeur {shown} mal formée : elle doit respecter le motif {ctx.get('pattern')}."
    if kind in ("too_short", "string_too_short"):
        return "vide : il faut au moins un élément."
    return f"valeur invalide ({error.get('msg')})."


# ---------------------------------------------------------------------------------------------- semantics

def _build(f: FormationIn, report: _Reporter) -> Formation | None:
    ref = f.referentiel
    competences: list[Competence] = []
    seen_comp: dict[str, int] = {}
    for i, c in enumerate(ref.competences):
        base: Path_ = ("referentiel", "competences", i)
        if c.nom_court in seen_comp:
            report.add((*base, "nom_court"), f"compétence « {c.nom_court} » en double (déjà "
                                             f"competences[{seen_comp[c.nom_court]}]) : un nom court est unique.")
        seen_comp[c.nom_court] = i
        seen_ordre: set[int] = set()
        seen_ac: set[str] = set()
        for j, n in enumerate(c.niveaux):
            if n.ordre in seen_ordre:
                report.add((*base, "niveaux", j, "ordre"), f"niveau {n.ordre} en double pour « {c.nom_court} ».")
            seen_ordre.add(n.ordre)
            for code in n.apprentissages_critiques:
                if code in seen_ac:
                    report.add((*base, "niveaux", j, "apprentissages_critiques", code),
                               f"apprentissage critique « {code} » en double.")
                seen_ac.add(code)
        competences.append(Competence(
            nom_court=c.nom_court, numero=c.numero, libelle_long=c.libelle_long,
            composantes_essentielles=tuple(c.composantes_essentielles),
            situations_professionnelles=tuple(c.situations_professionnelles),
            niveaux=tuple(Niveau(n.ordre, n.annee, n.libelle, tuple(
                ApprentissageCritique(code, text) for code, text in n.apprentissages_critiques.items()))
                for n in c.niveaux),
            id_orebut=c.id_orebut, couleur=c.couleur,
        ))
    by_name = {c.nom_court: c for c in competences}

    parcours: list[Parcours] = []
    seen_par: set[str] = set()
    for i, p in enumerate(ref.parcours):
        base = ("referentiel", "parcours", i)
        if p.code in seen_par:
            report.add((*base, "code"), f"parcours « {p.code} » en double.")
        seen_par.add(p.code)
        for annee, levels in p.annees.items():
            if annee not in (1, 2, 3):
                report.add((*base, "annees", annee), f"année {annee} impossible : une année de BUT vaut 1, 2 ou 3.")
            for name, ordre in levels.items():
                comp = by_name.get(name)
                if comp is None:
                    report.add((*base, "annees", annee, name), f"compétence « {name} » inconnue ; compétences du "
                                                               f"référentiel : {', '.join(by_name)}.")
                elif comp.niveau(ordre) is None:
                    report.add((*base, "annees", annee, name),
                               f"la compétence « {name} » n'a pas de niveau {ordre} ; niveaux : "
                               f"{', '.join(str(n.ordre) for n in comp.niveaux)}.")
        parcours.append(Parcours(p.code, p.libelle, MappingProxyType(
            {a: MappingProxyType(dict(levels)) for a, levels in p.annees.items()})))
    codes_par = [p.code for p in parcours]

    for code, semestres in f.offre.items():
        if code not in seen_par:
            report.add(("offre", code), f"parcours « {code} » inconnu ; parcours du référentiel : "
                                        f"{', '.join(codes_par)}.")
        for k, s in enumerate(semestres):
            if not 1 <= s <= 6:
                report.add(("offre", code, k), f"semestre {s} impossible : de 1 à 6.")

    assumptions = [Assumption(h.place, h.text) for h in f.hypotheses]
    ues: list[UE] = []
    modules: list[Module] = []
    seen_sem: dict[int, int] = {}
    seen_ue: dict[str, str] = {}
    for i, sem in enumerate(f.semestres):
        base = ("semestres", i)
        if sem.numero in seen_sem:
            report.add((*base, "numero"), f"semestre {sem.numero} déjà décrit (semestres[{seen_sem[sem.numero]}]) : "
                                          "réunissez-les.")
        seen_sem[sem.numero] = i
        ues.extend(_ues(sem, base, competences, by_name, codes_par, parcours, seen_ue, report, assumptions))
    for i, sem in enumerate(f.semestres):
        modules.extend(_modules(sem, ("semestres", i), ues, codes_par, report, assumptions))
    if report.problems:
        return None
    return Formation(
        id=f.id, version=f.version, titre=f.titre,
        referentiel=Referentiel(ref.specialite, ref.specialite_long, tuple(competences), tuple(parcours),
                                ref.version),
        ues=tuple(ues), modules=tuple(modules), modalite=Modality(f.modalite), etablissement=f.etablissement,
        departement=f.departement, annee_universitaire=f.annee_universitaire,
        semestres_offerts=MappingProxyType({k: tuple(sorted(set(v))) for k, v in f.offre.items()}),
        assumptions=tuple(assumptions),
    )


def _parcours_list(values: list[str], path: Path_, codes: list[str], report: _Reporter) -> tuple[str, ...]:
    for k, code in enumerate(values):
        if code not in codes:
            report.add((*path, k), f"parcours « {code} » inconnu ; parcours du référentiel : {', '.join(codes)}.")
    return tuple(values)


def _hypothese(flag: bool | str, place: str, assumptions: list[Assumption]) -> None:
    """``hypothese: true`` on a UE or module is grouped per semester (one line per semester, not one per
    module); ``hypothese: "texte"`` keeps its own explanation."""
    if isinstance(flag, str) and flag:
        assumptions.append(Assumption(place, flag))
    elif flag is True:
        semestre, code = place.split(" › ", 1)
        prefix = f"{semestre} : valeurs supposées localement (voir hypothèses) pour "
        for k, a in enumerate(assumptions):
            if a.place == semestre and a.text.startswith(prefix):
                assumptions[k] = Assumption(semestre, f"{a.text}, {code}")
                return
        assumptions.append(Assumption(semestre, prefix + code))


def _ues(sem: SemestreIn, base: Path_, competences: list[Competence], by_name: Mapping[str, Competence],
         codes_par: list[str], parcours: list[Parcours], seen: dict[str, str], report: _Reporter,
         assumptions: list[Assumption]) -> list[UE]:
    out: list[UE] = []
    for j, u in enumerate(sem.ues):
        path = (*base, "ues", j)
        par = _parcours_list(u.parcours, (*path, "parcours"), codes_par, report)
        comp = _competence(u.competence, par, sem.numero, competences, by_name, parcours)
        if comp is None:
            report.add((*path, "competence"),
                       f"compétence « {u.competence} » inconnue ; compétences du référentiel : "
                       f"{', '.join(f'{c.numero} {c.nom_court}' for c in competences)}.")
        elif comp.niveau(u.niveau) is None:
            report.add((*path, "niveau"), f"la compétence « {comp.nom_court} » n'a pas de niveau {u.niveau} ; "
                                          f"niveaux : {', '.join(str(n.ordre) for n in comp.niveaux)}.")
        match = UE_CODE.match(u.code)
        if not match:
            report.add((*path, "code"), f"code d'UE « {u.code} » mal formé : il doit s'écrire « UE<semestre>."
                                        f"<numéro de compétence> », par exemple UE{sem.numero}."
                                        f"{comp.numero if comp else 1} (arrêté du 15 avril 2022, annexe 1, point 3).")
        else:
            if int(match.group(1)) != sem.numero:
                report.add((*path, "code"), f"l'UE « {u.code} » est déclarée au semestre {sem.numero} : son code doit "
                                            f"commencer par UE{sem.numero}.")
            if comp is not None and int(match.group(2)) != comp.numero:
                report.add((*path, "code"), f"l'UE « {u.code} » porte le numéro {match.group(2)} mais sa compétence "
                                            f"« {comp.nom_court} » a le numéro {comp.numero} : écrivez "
                                            f"UE{sem.numero}.{comp.numero}.")
        key = f"{u.code}"
        if key in seen:
            report.add((*path, "code"), f"UE « {u.code} » en double (déjà {seen[key]}) : un code d'UE est unique.")
        seen[key] = field_path(path)
        place = f"S{sem.numero} › {u.code}"
        _hypothese(u.hypothese, place, assumptions)
        if comp is not None:
            out.append(UE(code=u.code, semestre=sem.numero, competence=comp.nom_court, niveau=u.niveau,
                          ects=u.ects, titre=u.titre or comp.libelle_long, coef_rcue=u.coef_rcue, parcours=par))
    return out


def _competence(ref: str | int, par: tuple[str, ...], semestre: int, competences: list[Competence],
                by_name: Mapping[str, Competence], parcours: list[Parcours]) -> Competence | None:
    if isinstance(ref, str) and not ref.isdigit():
        return by_name.get(ref)
    numero = int(ref)
    candidates = [c for c in competences if c.numero == numero]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    # a number shared by several competences (GEII) is resolved within the UE's parcours for its year
    annee = (semestre + 1) // 2
    wanted = {name for p in parcours if not par or p.code in par for name in p.competences_of_year(annee)}
    resolved = [c for c in candidates if c.nom_court in wanted]
    return resolved[0] if len(resolved) == 1 else None


def _modules(sem: SemestreIn, base: Path_, ues: list[UE], codes_par: list[str], report: _Reporter,
             assumptions: list[Assumption]) -> list[Module]:
    out: list[Module] = []
    built = {u.code: u for u in ues if u.semestre == sem.numero}
    # codes as declared (even a UE rejected above), so that one bad UE does not cascade into its modules
    codes_here = {u.code: built.get(u.code) for u in sem.ues}
    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    for j, m in enumerate(sem.modules):
        path = (*base, "modules", j)
        par = _parcours_list(m.parcours, (*path, "parcours"), codes_par, report)
        for existing_key, k in seen.items():
            if existing_key[0] == m.code and (not par or not existing_key[1] or set(par) & set(existing_key[1])):
                report.add((*path, "code"), f"module « {m.code} » en double au semestre {sem.numero} (déjà "
                                            f"modules[{k}]) pour le même parcours : un code est unique.")
                break
        seen[(m.code, par)] = j
        for ue_code in m.coefficients:
            ue = codes_here.get(ue_code)
            listed = ", ".join(codes_here) or "aucune"
            if ue_code not in codes_here:
                other = next((u for u in ues if u.code == ue_code), None)
                hint = f" (c'est une UE du semestre {other.semestre})" if other else ""
                report.add((*path, "coefficients", ue_code),
                           f"l'UE « {ue_code} » n'existe pas au semestre {sem.numero}{hint} ; UE du semestre : "
                           f"{listed}.")
            elif ue is not None and par and ue.parcours and not set(par) & set(ue.parcours):
                report.add((*path, "coefficients", ue_code),
                           f"le module (parcours {', '.join(par)}) a un coefficient sur l'UE « {ue_code} » qui "
                           f"n'appartient qu'aux parcours {', '.join(ue.parcours)}.")
        _hypothese(m.hypothese, f"S{sem.numero} › {m.code}", assumptions)
        h = m.heures
        out.append(Module(code=m.code, titre=m.titre, semestre=sem.numero, kind=ModuleKind(m.type),
                          heures=Heures(h.cm, h.td, h.tp, h.projet), coefficients=frozen_map(m.coefficients),
                          parcours=par))
    return out


__all__ = [
    "FORMAT",
    "FormationError",
    "Problem",
    "formations_dir",
    "list_formations",
    "load_formation",
    "load_formation_text",
    "resolve",
]
