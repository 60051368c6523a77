"""Orébut's XML export of a référentiel de compétences (``referentiel_competence``).

Layout (Orébut's export template, ``export-referentiel-but.xml.twig``): ``competences/competence``
(@nom_court, @numero, @libelle_long, @couleur, @id) › ``situations/situation``,
``composantes_essentielles/composante``, ``niveaux/niveau`` (@ordre, @annee "BUT1", @libelle) ›
``acs/ac`` (@code, text); ``parcours/parcour`` (@code, @libelle) › ``annee`` (@ordre) › ``competence``
(@niveau, @id). Older drafts differ: ``@name`` for the short name, parcours naming competences
(``@nom``) instead of giving their id, and ``niveau`` elements without ``@annee``: the BUT year of such a
level is the year of the ``parcours/parcour/annee`` blocks that require it (all parcours must agree), or,
when no parcours requires it, its ``@ordre`` (level 1 in BUT1…), with a warning. We accept those
variants; anything we cannot understand is an error naming the element and its line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from delibe.imports._xml import XmlDocument, local_name, read_xml
from delibe.imports.referentiel import (
    AcRow,
    CompetenceRow,
    NiveauRow,
    ParcoursNiveauRow,
    ParcoursRow,
    ReferentielImport,
    clean_text,
    finish,
    normalise_version,
    parse_but_year,
)
from delibe.imports.results import Issue, Issues, ParseResult, listing

UNDATED = 0  # the year of a level read without @annee, until the parcours give it
NAME_ATTRIBUTES = ("nom_court", "name", "nom", "titre")
LONG_NAME_ATTRIBUTES = ("libelle_long", "titre_long", "libelle")


def _children(element: ET.Element, *names: str) -> list[ET.Element]:
    return [child for child in element if local_name(child.tag) in names]


def _child(element: ET.Element, *names: str) -> ET.Element | None:
    found = _children(element, *names)
    return found[0] if found else None


def _attr(element: ET.Element, *names: str) -> str | None:
    """The first of ``names`` present (namespace ignored), whitespace-collapsed; ``None`` if absent/empty."""
    attributes = {local_name(key): value for key, value in element.attrib.items()}
    for name in names:
        value = clean_text(attributes.get(name))
        if value:
            return value
    return None


class _Reader:
    def __init__(self, doc: XmlDocument) -> None:
        self.doc = doc
        self.errors = Issues()
        self.warnings = Issues()
        # names and ids of competences already reported as broken: a parcours citing them adds no error
        self.broken: set[str] = set()
        self.known_names: str | None = None
        # a level was read without @annee (older drafts): its year comes from the parcours, see level_years
        self.undated = False

    def error(self, element: ET.Element, message: str) -> None:
        self.errors.append(Issue(self.doc.path(element), message))

    def required(self, element: ET.Element, label: str, *names: str) -> str | None:
        value = _attr(element, *names)
        if value is None:
            shown = " ou ".join(f"@{n}" for n in names)
            self.error(element, f"attribut {shown} manquant ou vide ({label}) : complétez l'élément "
                                f"<{local_name(element.tag)}>.")
        return value

    def integer(self, element: ET.Element, label: str, *names: str) -> int | None:
        value = self.required(element, label, *names)
        if value is None:
            return None
        try:
            if len(value) > 6:
                raise ValueError
            return int(value)
        except ValueError:
            self.error(element, f"@{names[0]} doit être un nombre entier ({label}), trouvé « {value[:40]} ».")
            return None

    def year(self, element: ET.Element, label: str, *names: str) -> int | None:
        value = self.required(element, label, *names)
        if value is None:
            return None
        year = parse_but_year(value)
        if year is None:
            self.error(element, f"@{names[0]} doit désigner une année de BUT (BUT1, BUT2 ou BUT3), "
                                f"trouvé « {value[:40]} ».")
        return year

    def texts(self, element: ET.Element, container: str, *items: str) -> tuple[str, ...]:
        box = _child(element, container)
        if box is None:
            return ()
        values = []
        for item in _children(box, *items):
            text = clean_text("".join(item.itertext())) or _attr(item, "libelle") or ""
            if text:
                values.append(text)
        return tuple(values)

    # --- competences -------------------------------------------------------------------------------

    def competence(self, element: ET.Element) -> CompetenceRow | None:
        place = self.doc.path(element)
        nom = self.required(element, "nom court de la compétence", *NAME_ATTRIBUTES)
        numero = self.integer(element, "numéro de la compétence", "numero")
        libelle_long = self.required(element, "libellé de la compétence", *LONG_NAME_ATTRIBUTES)
        niveaux_box = _child(element, "niveaux")
        niveaux = []
        incomplete = False
        if niveaux_box is not None:
            for niveau in _children(niveaux_box, "niveau"):
                row = self.niveau(niveau)
                if row is not None:
                    niveaux.append(row)
                else:
                    incomplete = True
        if nom is None or numero is None or libelle_long is None:
            self.broken.update(v for v in (nom, _attr(element, "id", "id_orebut")) if v)
            return None
        return CompetenceRow(
            nom_court=nom,
            numero=numero,
            libelle_long=libelle_long,
            composantes_essentielles=self.texts(element, "composantes_essentielles", "composante",
                                                "composante_essentielle"),
            situations_professionnelles=self.texts(element, "situations", "situation"),
            niveaux=tuple(niveaux),
            id_orebut=_attr(element, "id", "id_orebut"),
            couleur=_attr(element, "couleur"),
            place=place,
            incomplete=incomplete,
        )

    def niveau(self, element: ET.Element) -> NiveauRow | None:
        ordre = self.integer(element, "ordre du niveau", "ordre")
        undated = _attr(element, "annee") is None  # older drafts: the year is given by the parcours
        annee = UNDATED if undated else self.year(element, "année de BUT du niveau", "annee")
        libelle = self.required(element, "libellé du niveau", "libelle")
        acs = []
        acs_box = _child(element, "acs", "apprentissages_critiques")
        for ac in _children(acs_box, "ac", "apprentissage_critique") if acs_box is not None else []:
            code = self.required(ac, "code de l'apprentissage critique", "code")
            text = clean_text("".join(ac.itertext())) or _attr(ac, "libelle")
            if not text:
                self.error(ac, "apprentissage critique sans libellé : écrivez son texte dans l'élément <ac>.")
            if code and text:
                acs.append(AcRow(code, text, self.doc.path(ac)))
        if ordre is None or annee is None or libelle is None:
            return None
        self.undated = self.undated or undated
        return NiveauRow(ordre, annee, libelle, tuple(acs), self.doc.path(element))

    def level_years(self, competences: list[CompetenceRow], parcours: list[ParcoursRow]) -> list[CompetenceRow]:
        """The competences with a BUT year for every level read without ``@annee``: the year in which the
        parcours require that level (they must all agree), else the level's order (level 1 in BUT1…)."""
        if not self.undated:
            return competences
        required: dict[tuple[str, int], dict[int, list[str]]] = {}
        for row in parcours:
            for line in row.niveaux:
                required.setdefault((line.competence, line.ordre), {}).setdefault(line.annee, []).append(row.code)
        result = []
        for competence in competences:
            niveaux = []
            for niveau in competence.niveaux:
                if niveau.annee == UNDATED:
                    niveau = replace(niveau, annee=self.level_year(competence, niveau, required))
                niveaux.append(niveau)
            result.append(replace(competence, niveaux=tuple(niveaux)))
        return result

    def level_year(self, competence: CompetenceRow, niveau: NiveauRow,
                   required: dict[tuple[str, int], dict[int, list[str]]]) -> int:
        years = required.get((competence.nom_court, niveau.ordre), {})
        if len(years) == 1:
            return next(iter(years))
        what = f"le niveau {niveau.ordre} de « {competence.nom_court} »"
        if len(years) > 1:
            detail = "; ".join(f"BUT{annee} pour {listing(codes)}" for annee, codes in sorted(years.items()))
            self.errors.append(Issue(niveau.place, f"{what} n'a pas d'attribut @annee et les parcours le placent "
                                                   f"en des années différentes ({detail}) : ajoutez @annee au "
                                                   "niveau."))
            return UNDATED
        if 1 <= niveau.ordre <= 3:
            self.warnings.append(Issue(niveau.place, f"{what} n'a pas d'attribut @annee et aucun parcours ne le "
                                                     f"demande : BUT{niveau.ordre} d'après son ordre."))
            return niveau.ordre
        self.errors.append(Issue(niveau.place, f"{what} n'a pas d'attribut @annee, aucun parcours ne le demande et "
                                               "son ordre n'est pas celui d'une année de BUT : ajoutez @annee (BUT1, "
                                               "BUT2 ou BUT3) au niveau."))
        return UNDATED

    # --- parcours ----------------------------------------------------------------------------------

    def parcours(self, element: ET.Element, by_id: dict[str, str], names: set[str]) -> ParcoursRow | None:
        code = self.required(element, "code du parcours", "code")
        libelle = self.required(element, "libellé du parcours", "libelle", "nom")
        lines = []
        for annee_element in _children(element, "annee"):
            annee = self.year(annee_element, "année de BUT du parcours", "ordre", "numero", "annee")
            for reference in _children(annee_element, "competence"):
                ordre = self.integer(reference, "niveau de compétence requis", "niveau")
                nom = self.resolve(reference, by_id, names, code)
                if annee is not None and ordre is not None and nom is not None:
                    lines.append(ParcoursNiveauRow(annee, nom, ordre, self.doc.path(reference)))
        if code is None or libelle is None:
            return None
        return ParcoursRow(code, libelle, tuple(lines), self.doc.path(element))

    def resolve(self, reference: ET.Element, by_id: dict[str, str], names: set[str],
                parcours: str | None) -> str | None:
        """A parcours names a competence by its Orébut id (final exports) or its name (drafts)."""
        ident = _attr(reference, "id", "id_orebut")
        nom = _attr(reference, *NAME_ATTRIBUTES) or clean_text("".join(reference.itertext())) or None
        if ident is not None and ident in by_id:
            return by_id[ident]
        if nom is not None and nom in names:
            return nom
        if (ident is not None and ident in self.broken) or (nom is not None and nom in self.broken):
            return None
        if ident is None and nom is None:
            self.error(reference, "compétence non désignée : ajoutez @id (identifiant Orébut) ou @nom.")
            return None
        if self.known_names is None:  # computed once: a hostile file may hold thousands of bad references
            self.known_names = listing(names)
        known = self.known_names
        shown = f"d'identifiant {ident}" if ident is not None else f"« {nom} »"
        self.error(reference, f"le parcours « {parcours or '?'} » désigne la compétence {shown}, qui n'existe "
                              f"pas dans le référentiel (compétences connues : {known}).")
        return None


def _pick(doc: XmlDocument, reader: _Reader, specialite: str | None) -> ET.Element | None:
    """The ``referentiel_competence`` to read: the root, or one of a ``referentiels`` export of all
    spécialités (Orébut's « export-all »), chosen by ``specialite``."""
    root = doc.root
    name = local_name(root.tag)
    if name == "referentiels":
        candidates = _children(root, "referentiel_competence")
        available = [_attr(c, "specialite") or "?" for c in candidates]
        if specialite is not None:
            chosen = [c for c in candidates if (_attr(c, "specialite") or "").casefold() == specialite.casefold()]
            if chosen:
                return chosen[0]
            reader.error(root, f"aucun référentiel de la spécialité « {specialite} » dans ce fichier "
                               f"(spécialités présentes : {listing(available)}).")
            return None
        if len(candidates) == 1:
            return candidates[0]
        reader.error(root, f"ce fichier contient {len(candidates)} référentiels "
                           f"({listing(available, 'aucun')}) : précisez la spécialité à importer "
                           "(option --specialite).")
        return None
    if name != "referentiel_competence":
        hint = " (c'est un référentiel de formation, pas de compétences)" if name == "referentiel_formation" else ""
        reader.error(root, f"élément racine <{name}> inattendu{hint} : un export Orébut de référentiel de "
                           "compétences commence par <referentiel_competence>.")
        return None
    found = _attr(root, "specialite")
    if specialite is not None and found is not None and found.casefold() != specialite.casefold():
        reader.error(root, f"ce fichier est le référentiel de la spécialité « {found} », pas « {specialite} ».")
        return None
    return root


def parse_orebut_referentiel(
    data: bytes, filename: str, specialite: str | None = None
) -> ParseResult[ReferentielImport]:
    """Read an Orébut ``referentiel_competence`` XML export into rows and errors; writes nothing.
    ``specialite`` chooses one référentiel in an export of all spécialités (and checks a single one)."""
    doc, issue = read_xml(data, filename)
    if doc is None:
        return ParseResult(None, (issue,) if issue else ())
    reader = _Reader(doc)
    picked = _pick(doc, reader, specialite)
    if picked is None:
        return ParseResult(None, tuple(reader.errors))
    root = picked
    specialite = reader.required(root, "spécialité, ex. MMI", "specialite")
    specialite_long = _attr(root, "specialite_long") or ""
    if not specialite_long:
        reader.warnings.append(Issue(doc.path(root), "attribut @specialite_long absent : libellé long de la "
                                                     "spécialité laissé vide."))
    competences: list[CompetenceRow] = []
    box = _child(root, "competences")
    if box is None:
        reader.error(root, "élément <competences> manquant : le fichier ne décrit aucune compétence.")
    else:
        for element in _children(box, "competence"):
            row = reader.competence(element)
            if row is not None:
                competences.append(row)
    parcours: list[ParcoursRow] = []
    parcours_box = _child(root, "parcours")
    if parcours_box is not None:
        by_id = {c.id_orebut: c.nom_court for c in competences if c.id_orebut}
        names = {c.nom_court for c in competences}
        for element in _children(parcours_box, "parcour", "parcours"):
            parcours_row = reader.parcours(element, by_id, names)
            if parcours_row is not None:
                parcours.append(parcours_row)
    competences = reader.level_years(competences, parcours)
    rows = ReferentielImport(
        specialite=specialite or "",
        specialite_long=specialite_long,
        version=normalise_version(_attr(root, "version")),
        competences=tuple(competences),
        parcours=tuple(parcours),
        source_format="orebut",
        filename=filename,
    )
    return finish(rows, reader.errors, reader.warnings)
