"""The référentiel de compétences of any spécialité, as read from Orébut's XML or ScoDoc's JSON export.

Scope: the national référentiel de compétences (Arrêté du 15 avril 2022, annexe 1, point 3, and the
annexes per spécialité): compétences with their composantes essentielles and situations
professionnelles, niveaux with their apprentissages critiques, and the parcours saying which level of
which competence is studied each BUT year.

Both parsers produce the same rows (``ReferentielImport``); the checks that do not depend on the file
format (duplicates, a parcours asking for a level that does not exist) are made once, here. Nothing is
assumed about MMI: competences are identified by their short name, never by their number alone (GEII
gives number 4 to one competence per parcours), and a level's BUT year is read from the file, not
deduced from its order (a parcours-specific competence may start in BUT2 at level 1).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from delibe.engine.model import ApprentissageCritique, Competence, Niveau, Parcours, Referentiel
from delibe.imports.results import Issue, Issues, ParseResult, listing

FORMATS = ("orebut", "scodoc")


@dataclass(frozen=True)
class AcRow:
    code: str
    libelle: str
    place: str = ""


@dataclass(frozen=True)
class NiveauRow:
    ordre: int
    annee: int  # BUT year, 1..3
    libelle: str
    acs: tuple[AcRow, ...] = ()
    place: str = ""


@dataclass(frozen=True)
class CompetenceRow:
    nom_court: str
    numero: int
    libelle_long: str
    composantes_essentielles: tuple[str, ...] = ()
    situations_professionnelles: tuple[str, ...] = ()
    niveaux: tuple[NiveauRow, ...] = ()
    id_orebut: str | None = None
    couleur: str | None = None
    place: str = ""
    # a level of it could not be read (already reported): do not report parcours lines asking for it
    incomplete: bool = False


@dataclass(frozen=True)
class ParcoursNiveauRow:
    """One line of a parcours: in BUT year ``annee``, competence ``competence`` (its nom_court, already
    resolved from an Orébut id if the file used ids) at level ``ordre``."""

    annee: int
    competence: str
    ordre: int
    place: str = ""


@dataclass(frozen=True)
class ParcoursRow:
    code: str
    libelle: str
    niveaux: tuple[ParcoursNiveauRow, ...] = ()
    place: str = ""


@dataclass(frozen=True)
class ReferentielImport:
    """What a référentiel parser read, whatever the format: convert with ``to_referentiel``."""

    specialite: str
    specialite_long: str
    version: str | None
    competences: tuple[CompetenceRow, ...]
    parcours: tuple[ParcoursRow, ...]
    source_format: str  # "orebut" | "scodoc"
    filename: str

    def to_referentiel(self) -> Referentiel:
        order = {c.nom_court: i for i, c in enumerate(self.competences)}
        parcours = []
        for p in self.parcours:
            years: dict[int, dict[str, int]] = {}
            for line in sorted(p.niveaux, key=lambda n: (n.annee, order.get(n.competence, len(order)))):
                years.setdefault(line.annee, {})[line.competence] = line.ordre
            parcours.append(
                Parcours(
                    code=p.code,
                    libelle=p.libelle,
                    niveaux=MappingProxyType({a: MappingProxyType(m) for a, m in sorted(years.items())}),
                )
            )
        return Referentiel(
            specialite=self.specialite,
            specialite_long=self.specialite_long,
            version=self.version,
            competences=tuple(
                Competence(
                    nom_court=c.nom_court,
                    numero=c.numero,
                    libelle_long=c.libelle_long,
                    composantes_essentielles=c.composantes_essentielles,
                    situations_professionnelles=c.situations_professionnelles,
                    niveaux=tuple(
                        Niveau(
                            ordre=n.ordre,
                            annee=n.annee,
                            libelle=n.libelle,
                            apprentissages_critiques=tuple(
                                ApprentissageCritique(a.code, a.libelle) for a in n.acs
                            ),
                        )
                        for n in sorted(c.niveaux, key=lambda n: n.ordre)
                    ),
                    id_orebut=c.id_orebut,
                    couleur=c.couleur,
                )
                for c in self.competences
            ),
            parcours=tuple(parcours),
        )


_BUT_YEAR = re.compile(r"^\s*(?:BUT|B\.U\.T\.)?\s*([0-9]+)\s*$", re.IGNORECASE)


def parse_but_year(value: object) -> int | None:
    """``"BUT2"``, ``"2"`` or ``2`` -> 2; anything else (or outside 1..3) -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        year = value
    elif isinstance(value, str):
        match = _BUT_YEAR.match(value)
        if not match or len(match.group(1)) > 2:
            return None
        year = int(match.group(1))
    else:
        return None
    return year if 1 <= year <= 3 else None


def normalise_version(value: str | None) -> str | None:
    """Orébut writes its version as a timestamp (``2021-12-11 00:00:00``): keep the date."""
    if value is None:
        return None
    value = value.strip()
    if value in ("", "-"):  # Orébut writes "-" when the référentiel has no version date
        return None
    match = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$", value)
    return match.group(1) if match else (value or None)


def clean_text(value: str | None) -> str:
    """Collapse the whitespace of a libellé (XML indentation, line breaks inside attributes)."""
    return " ".join((value or "").split())


def check_referentiel(rows: ReferentielImport, already_failed: bool = False) -> tuple[Issues, Issues]:
    """The checks common to every format: (errors, warnings). ``already_failed``: the parser reported
    errors, so an empty list of competences is their consequence, not a new problem."""
    errors = Issues()
    warnings = Issues()
    if not rows.competences and not already_failed:
        errors.append(Issue(rows.filename, "aucune compétence trouvée : ce fichier n'est pas un référentiel de "
                                           "compétences complet."))
    by_name: dict[str, CompetenceRow] = {}
    ids: dict[str, CompetenceRow] = {}
    ac_codes: dict[str, str] = {}
    for competence in rows.competences:
        if competence.nom_court in by_name:
            errors.append(Issue(competence.place, f"la compétence « {competence.nom_court} » est définie deux fois "
                                                  f"(déjà en {by_name[competence.nom_court].place}) ; le nom court "
                                                  "identifie une compétence et doit être unique."))
        by_name.setdefault(competence.nom_court, competence)
        if competence.id_orebut:
            if competence.id_orebut in ids:
                errors.append(Issue(competence.place, f"l'identifiant Orébut {competence.id_orebut} est déjà celui "
                                                      f"de la compétence « {ids[competence.id_orebut].nom_court} »."))
            ids.setdefault(competence.id_orebut, competence)
        if competence.numero < 1:
            errors.append(Issue(competence.place, f"le numéro de la compétence « {competence.nom_court} » doit être "
                                                  f"un entier positif (trouvé {competence.numero})."))
        if not competence.niveaux:
            warnings.append(Issue(competence.place, f"la compétence « {competence.nom_court} » n'a aucun niveau."))
        ordres: set[int] = set()
        for niveau in competence.niveaux:
            if niveau.ordre in ordres:
                errors.append(Issue(niveau.place, f"le niveau {niveau.ordre} de « {competence.nom_court} » est "
                                                  "défini deux fois."))
            ordres.add(niveau.ordre)
            if not niveau.acs:
                warnings.append(Issue(niveau.place, f"le niveau {niveau.ordre} de « {competence.nom_court} » n'a "
                                                    "aucun apprentissage critique."))
            in_level: set[str] = set()
            for ac in niveau.acs:
                if ac.code in in_level:
                    errors.append(Issue(ac.place, f"l'apprentissage critique {ac.code} apparaît deux fois dans le "
                                                  f"niveau {niveau.ordre} de « {competence.nom_court} »."))
                elif ac.code in ac_codes:
                    # parcours-specific competences sharing a number may share codes: worth a look, not fatal
                    warnings.append(Issue(ac.place, f"le code d'apprentissage critique {ac.code} est aussi utilisé "
                                                    f"en {ac_codes[ac.code]}."))
                in_level.add(ac.code)
                ac_codes.setdefault(ac.code, ac.place)
    if not rows.parcours:
        warnings.append(Issue(rows.filename, "aucun parcours dans le référentiel."))
    codes: set[str] = set()
    for parcours in rows.parcours:
        if parcours.code in codes:
            errors.append(Issue(parcours.place, f"le parcours « {parcours.code} » est défini deux fois."))
        codes.add(parcours.code)
        seen: set[tuple[int, str]] = set()
        for line in parcours.niveaux:
            key = (line.annee, line.competence)
            if key in seen:
                errors.append(Issue(line.place, f"le parcours « {parcours.code} » cite deux fois « {line.competence} » "
                                                f"en BUT{line.annee} : une seule ligne par compétence et par année."))
            seen.add(key)
            target = by_name.get(line.competence)
            if target is None:  # parsers resolve names first; this guards rows built by hand
                errors.append(Issue(line.place, f"compétence inconnue « {line.competence} »."))
                continue
            required = next((n for n in target.niveaux if n.ordre == line.ordre), None)
            if required is None and target.incomplete:
                continue
            if required is None:
                known = listing((n.ordre for n in target.niveaux), "aucun")
                errors.append(Issue(line.place, f"le parcours « {parcours.code} » demande en BUT{line.annee} le niveau "
                                                f"{line.ordre} de « {line.competence} », qui n'existe pas (niveaux "
                                                f"définis : {known})."))
            elif required.annee != line.annee:
                warnings.append(Issue(line.place, f"le parcours « {parcours.code} » place en BUT{line.annee} le niveau "
                                                  f"{line.ordre} de « {line.competence} », que le référentiel situe en "
                                                  f"BUT{required.annee}."))
    return errors, warnings


def finish(rows: ReferentielImport | None, errors: Issues, warnings: Issues) -> ParseResult[ReferentielImport]:
    """Add the format-independent checks to what a parser found, and wrap it all up."""
    if rows is not None:
        more_errors, more_warnings = check_referentiel(rows, already_failed=bool(errors))
        errors.absorb(more_errors)
        warnings.absorb(more_warnings)
    return ParseResult(rows, errors.final(), warnings.final())


def detect_format(data: bytes, filename: str = "") -> str | None:
    """``"orebut"`` for XML, ``"scodoc"`` for JSON, from the content first, then the file extension."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "orebut"
    if head.startswith((b"{", b"[")):
        return "scodoc"
    lower = filename.lower()
    if lower.endswith(".xml"):
        return "orebut"
    if lower.endswith(".json"):
        return "scodoc"
    return None


def parse_referentiel(
    data: bytes, filename: str, format: str = "auto", specialite: str | None = None
) -> ParseResult[ReferentielImport]:
    """Parse a référentiel export of the given format (``auto`` detects it); ``specialite`` picks one
    référentiel in a multi-spécialité export and checks that a single one is the expected one."""
    from delibe.imports.orebut import parse_orebut_referentiel
    from delibe.imports.scodoc import parse_scodoc_referentiel

    parsers: dict[str, Callable[[bytes, str, str | None], ParseResult[ReferentielImport]]] = {
        "orebut": parse_orebut_referentiel,
        "scodoc": parse_scodoc_referentiel,
    }
    chosen = detect_format(data, filename) if format == "auto" else format
    if chosen not in parsers:
        return ParseResult(None, (Issue(filename, "format inconnu : ni XML (Orébut) ni JSON (ScoDoc) ; précisez "
                                                  "--format orebut ou --format scodoc."),))
    return parsers[chosen](data, filename, specialite)
