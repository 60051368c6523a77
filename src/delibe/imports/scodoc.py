"""ScoDoc's JSON export of a référentiel de compétences (ScoDoc 9, « Référentiel de compétences »
› export JSON), which carries Orébut's content.

Layout: ``specialite``, ``specialite_long``, ``version_orebut``; ``competences`` keyed by short name,
each with ``titre``, ``titre_long``, ``numero``, ``id_orebut``, ``couleur``, ``situations`` and
``composantes_essentielles`` (lists of ``{"libelle": …}``), ``niveaux`` keyed by year (``BUT1``) with
``ordre``, ``annee``, ``libelle`` and ``app_critiques`` (``{code: {"libelle": …}}``); ``parcours`` keyed by
code with ``code``, ``libelle`` and ``annees`` (``{"1": {"ordre": 1, "competences": {nom: {"niveau": 1}}}}``).
Lists are accepted where objects are expected (and vice versa) so that hand-edited files still load.
"""

from __future__ import annotations

from typing import Any

from delibe.imports._json import JsonReader, child_path, read_json, type_name
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
from delibe.imports.results import ParseResult, listing


class _Reader(JsonReader):
    def __init__(self, filename: str) -> None:
        super().__init__(filename)
        self.broken: set[str] = set()
        self.known_names: str | None = None

    def libelles(self, value: Any, path: str, label: str) -> tuple[str, ...]:
        found = []
        for _, item, where in self.items(value, path, label):
            if isinstance(item, str):
                text = clean_text(item)
            elif isinstance(item, dict):
                text = self.text(item, ("libelle",), where, label) or ""
            else:
                self.error(where, f"{label} : attendu un texte ou {{\"libelle\": …}}, trouvé {type_name(item)}.")
                continue
            if text:
                found.append(text)
        return tuple(found)

    def competence(self, key: str | int, value: Any, path: str) -> CompetenceRow | None:
        obj = self.obj(value, path, "compétence")
        if obj is None:
            return None
        nom = self.text(obj, ("titre", "nom_court"), path, "nom court de la compétence", required=False)
        if nom is None:
            nom = clean_text(key) if isinstance(key, str) else None
        if not nom:
            self.error(child_path(path, "titre"), "nom court de la compétence manquant : ajoutez « titre ».")
        numero = self.integer(obj, "numero", path, "numéro de la compétence")
        libelle_long = self.text(obj, ("titre_long", "libelle_long"), path, "libellé de la compétence")
        niveaux = []
        incomplete = False
        for niveau_key, niveau, where in self.items(obj.get("niveaux"), child_path(path, "niveaux"), "niveaux"):
            row = self.niveau(niveau_key, niveau, where)
            if row is not None:
                niveaux.append(row)
            else:
                incomplete = True
        if not nom or numero is None or libelle_long is None:
            self.broken.update(v for v in (nom, key, obj.get("id_orebut")) if isinstance(v, str) and v)
            return None
        return CompetenceRow(
            nom_court=nom,
            numero=numero,
            libelle_long=libelle_long,
            composantes_essentielles=self.libelles(obj.get("composantes_essentielles"),
                                                   child_path(path, "composantes_essentielles"),
                                                   "composante essentielle"),
            situations_professionnelles=self.libelles(obj.get("situations"), child_path(path, "situations"),
                                                      "situation professionnelle"),
            niveaux=tuple(niveaux),
            id_orebut=self.text(obj, ("id_orebut",), path, "identifiant Orébut", required=False),
            couleur=self.text(obj, ("couleur",), path, "couleur", required=False),
            place=self.place(path),
            incomplete=incomplete,
        )

    def niveau(self, key: str | int, value: Any, path: str) -> NiveauRow | None:
        obj = self.obj(value, path, "niveau")
        if obj is None:
            return None
        ordre = self.integer(obj, "ordre", path, "ordre du niveau")
        raw_annee = obj.get("annee", key if isinstance(key, str) else None)
        annee = parse_but_year(raw_annee)
        if annee is None:
            self.error(child_path(path, "annee"), "année de BUT du niveau : attendu BUT1, BUT2 ou BUT3, trouvé "
                                                  f"{raw_annee!r}.")
        libelle = self.text(obj, ("libelle",), path, "libellé du niveau")
        acs = []
        acs_path = child_path(path, "app_critiques")
        for ac_key, ac, where in self.items(obj.get("app_critiques"), acs_path, "apprentissages critiques"):
            if isinstance(ac, str):
                ac = {"libelle": ac}
            ac_obj = self.obj(ac, where, "apprentissage critique")
            if ac_obj is None:
                continue
            code = self.text(ac_obj, ("code",), where, "code", required=False)
            code = code or (ac_key if isinstance(ac_key, str) else None)
            if not code:
                self.error(where, "apprentissage critique sans code : ajoutez le champ « code ».")
            text = self.text(ac_obj, ("libelle",), where, "libellé de l'apprentissage critique")
            if code and text:
                acs.append(AcRow(code, text, self.place(where)))
        if ordre is None or annee is None or libelle is None:
            return None
        return NiveauRow(ordre, annee, libelle, tuple(acs), self.place(path))

    def parcours(self, key: str | int, value: Any, path: str, names: dict[str, str]) -> ParcoursRow | None:
        obj = self.obj(value, path, "parcours")
        if obj is None:
            return None
        code = self.text(obj, ("code",), path, "code du parcours", required=False)
        code = code or (clean_text(key) if isinstance(key, str) else None)
        if not code:
            self.error(child_path(path, "code"), "code du parcours manquant : ajoutez « code ».")
        libelle = self.text(obj, ("libelle",), path, "libellé du parcours")
        lines = []
        for annee_key, annee_value, annee_path in self.items(obj.get("annees"), child_path(path, "annees"),
                                                             "années"):
            annee_obj = self.obj(annee_value, annee_path, "année du parcours")
            if annee_obj is None:
                continue
            raw = annee_obj.get("ordre", annee_key)
            annee = parse_but_year(raw)
            if annee is None:
                self.error(child_path(annee_path, "ordre"), f"année du parcours : attendu 1, 2 ou 3, trouvé {raw!r}.")
            competences_path = child_path(annee_path, "competences")
            for ref_key, ref, ref_path in self.items(annee_obj.get("competences"), competences_path, "compétences"):
                ref_obj = self.obj(ref, ref_path, "compétence du parcours")
                if ref_obj is None:
                    continue
                ordre = self.integer(ref_obj, "niveau", ref_path, "niveau de compétence requis")
                nom = self.resolve(ref_key, ref_obj, ref_path, names, code)
                if annee is not None and ordre is not None and nom is not None:
                    lines.append(ParcoursNiveauRow(annee, nom, ordre, self.place(ref_path)))
        if not code or libelle is None:
            return None
        return ParcoursRow(code, libelle, tuple(lines), self.place(path))

    def resolve(self, key: str | int, obj: dict[str, Any], path: str, names: dict[str, str],
                parcours: str | None) -> str | None:
        candidates = [obj.get("id_orebut"), obj.get("titre"), obj.get("nom_court"), obj.get("nom"),
                      key if isinstance(key, str) else None]
        for candidate in candidates:
            if isinstance(candidate, str) and candidate in names:
                return names[candidate]
        if any(isinstance(c, str) and c in self.broken for c in candidates):
            return None  # that competence is already reported as broken
        shown = next((c for c in candidates if isinstance(c, str)), None)
        if self.known_names is None:  # computed once: a hostile file may hold thousands of bad references
            self.known_names = listing(names.values())
        known = self.known_names
        self.error(path, f"le parcours « {parcours or '?'} » désigne la compétence « {shown} », qui n'existe pas "
                         f"dans le référentiel (compétences connues : {known}).")
        return None


def parse_scodoc_referentiel(
    data: bytes, filename: str, specialite: str | None = None
) -> ParseResult[ReferentielImport]:
    """Read ScoDoc's JSON export of a référentiel de compétences into rows and errors; writes nothing.
    ``specialite``, if given, must be the file's (a guard against importing the wrong file)."""
    value, issue = read_json(data, filename)
    if issue is not None:
        return ParseResult(None, (issue,))
    reader = _Reader(filename)
    root = reader.obj(value, "$", "référentiel")
    if root is None:
        return ParseResult(None, tuple(reader.errors))
    if "competences" not in root:
        reader.error("$.competences", "champ « competences » absent : ce fichier n'est pas un export ScoDoc de "
                                      "référentiel de compétences.")
        return ParseResult(None, tuple(reader.errors))
    expected = specialite
    specialite = reader.text(root, ("specialite",), "$", "spécialité (ex. MMI)")
    if expected is not None and specialite is not None and specialite.casefold() != expected.casefold():
        reader.error("$.specialite", f"ce fichier est le référentiel de la spécialité « {specialite} », "
                                     f"pas « {expected} ».")
        return ParseResult(None, tuple(reader.errors))
    specialite_long = reader.text(root, ("specialite_long",), "$", "libellé de la spécialité", required=False)
    if specialite_long is None:
        reader.warn("$.specialite_long", "libellé long de la spécialité absent : laissé vide.")
    version = reader.text(root, ("version_orebut", "version"), "$", "version", required=False)
    competences: list[CompetenceRow] = []
    names: dict[str, str] = {}
    for key, item, path in reader.items(root.get("competences"), "$.competences", "compétences"):
        row = reader.competence(key, item, path)
        if row is None:
            continue
        competences.append(row)
        names[row.nom_court] = row.nom_court
        if isinstance(key, str):
            names.setdefault(key, row.nom_court)
        if row.id_orebut:
            names.setdefault(row.id_orebut, row.nom_court)
    parcours: list[ParcoursRow] = []
    for key, item, path in reader.items(root.get("parcours"), "$.parcours", "parcours"):
        prow = reader.parcours(key, item, path, names)
        if prow is not None:
            parcours.append(prow)
    rows = ReferentielImport(
        specialite=specialite or "",
        specialite_long=specialite_long or "",
        version=normalise_version(version),
        competences=tuple(competences),
        parcours=tuple(parcours),
        source_format="scodoc",
        filename=filename,
    )
    return finish(rows, reader.errors, reader.warnings)
