"""Render a référentiel de compétences as the ``referentiel:`` block of a formation file
(docs/formation-format.md): stable key order (the format's), unicode kept, no line folding, a header
comment saying where it came from and when. The block reloads with ``yaml.safe_load`` and with the
formation loader."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from delibe.engine.model import Competence, Parcours, Referentiel

FORMAT_NAMES = {"orebut": "Orébut XML", "scodoc": "ScoDoc JSON"}


class _FlowMap(dict[Any, Any]):
    """A mapping written on one line (``{Comprendre: 1, Concevoir: 1}``): a parcours year reads at a glance."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as docs/formation-format.md shows them.
        super().increase_indent(flow, False)


def _flow_map(dumper: yaml.SafeDumper, data: _FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


_Dumper.add_representer(_FlowMap, _flow_map)

# Characters PyYAML writes raw in a plain or quoted scalar although a reader takes them for line breaks
# (U+0085, U+2028, U+2029): such a text is written double-quoted, where they are escaped.
_READ_AS_BREAKS = re.compile("[\x85\u2028\u2029]")


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if _READ_AS_BREAKS.search(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_str(data)


_Dumper.add_representer(str, _text)


def _one_line(text: str) -> str:
    """Header comments must stay comments and readable YAML: no line break (a file name could carry one)
    and none of the characters YAML refuses anywhere, comments included (C0 and C1 controls, surrogates,
    U+FFFE/U+FFFF)."""
    return re.sub(r"[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]+", " ", text).strip()


def _competence(c: Competence) -> dict[str, Any]:
    data: dict[str, Any] = {"nom_court": c.nom_court, "numero": c.numero, "libelle_long": c.libelle_long}
    if c.id_orebut:
        data["id_orebut"] = c.id_orebut
    if c.couleur:
        data["couleur"] = c.couleur
    data["composantes_essentielles"] = list(c.composantes_essentielles)
    data["situations_professionnelles"] = list(c.situations_professionnelles)
    data["niveaux"] = [
        {
            "ordre": n.ordre,
            "annee": n.annee,
            "libelle": n.libelle,
            "apprentissages_critiques": {ac.code: ac.libelle for ac in n.apprentissages_critiques},
        }
        for n in c.niveaux
    ]
    return data


def _parcours(p: Parcours) -> dict[str, Any]:
    return {
        "code": p.code,
        "libelle": p.libelle,
        "annees": {annee: _FlowMap(p.niveaux[annee]) for annee in sorted(p.niveaux)},
    }


def referentiel_to_data(referentiel: Referentiel, source: str | None = None) -> dict[str, Any]:
    """The ``referentiel:`` value as plain data, keys in the order of docs/formation-format.md."""
    data: dict[str, Any] = {"specialite": referentiel.specialite, "specialite_long": referentiel.specialite_long}
    if referentiel.version:
        data["version"] = referentiel.version
    if source:
        data["source"] = source
    data["competences"] = [_competence(c) for c in referentiel.competences]
    data["parcours"] = [_parcours(p) for p in referentiel.parcours]
    return data


def render_referentiel_yaml(
    referentiel: Referentiel, *, source_file: str, source_format: str, imported_on: dt.date
) -> str:
    """The YAML text: header comment, then ``referentiel:`` and its block."""
    kind = FORMAT_NAMES.get(source_format, source_format)
    source = _one_line(f"{kind} : {source_file}, importé le {imported_on.isoformat()}")
    body: str = yaml.dump(
        {"referentiel": referentiel_to_data(referentiel, source)},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100_000,
        indent=2,
        default_flow_style=False,
    )
    header = [
        f"# Référentiel de compétences {_one_line(referentiel.specialite)}"
        + (f" (version {_one_line(referentiel.version)})" if referentiel.version else ""),
        (
            f"# Importé le {imported_on.isoformat()} par « delibe referentiel import » depuis "
            f"{_one_line(source_file)} ({kind})."
        ),
        "# Bloc `referentiel:` d'un fichier de formation (docs/formation-format.md) : copiez-le tel quel.",
    ]
    return "\n".join(header) + "\n" + body
