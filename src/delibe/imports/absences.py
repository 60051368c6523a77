"""The absences file (CSV: ``nip;date;creneau;module;nature``), read and checked without the database:
the caller says which NIPs are enrolled, which modules the semester has, which slots each day has and the
semester's dates; the parser returns the lines and every error (French, with the line number), and writes
nothing. ``web.assiduite.services.import_absences`` writes them, all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from delibe.engine import assiduite as engine
from delibe.imports import limits

CSV_COLUMNS = ("nip", "date", "creneau", "module", "nature")
# A department's semester of absences is a few thousand lines; past this the file is refused (limits.py).
MAX_CSV_ROWS = 30_000
_CRENEAUX = {"matin": engine.Creneau.MATIN, "m": engine.Creneau.MATIN, "apres-midi": engine.Creneau.APRES_MIDI,
             "après-midi": engine.Creneau.APRES_MIDI, "am": engine.Creneau.APRES_MIDI}
_NATURES = {"absence": engine.Nature.ABSENCE, "abs": engine.Nature.ABSENCE, "": engine.Nature.ABSENCE,
            "retard": engine.Nature.RETARD}

Slots = Sequence[tuple[str, str]]  # (code, label) of the slots of one day


@dataclass(frozen=True)
class AbsenceLine:
    line: int
    nip: str
    date: dt.date
    creneau: str
    module_code: str
    nature: str


def slot_code(raw: str, allowed: Slots) -> str | None:
    """The code of a slot as a person writes it (« matin », « am », « 8h-10h », « 08:00-10:00 »), if it
    is one of ``allowed``."""
    code = _slot_code(raw or "")
    return code if code is not None and any(code == c for c, _label in allowed) else None


@functools.lru_cache(maxsize=256)
def _slot_code(raw: str) -> str | None:
    text = raw.strip().lower()
    code = _CRENEAUX.get(text)
    if code is None:
        plage = engine.lire_plage(text)
        return plage.code if plage else None
    return code.value


def parse_absences_csv(text: str, *, enrolled: Collection[str], modules: Collection[str],
                       slots_at: Callable[[dt.date], Slots], debut: dt.date | None = None,
                       fin: dt.date | None = None) -> tuple[list[AbsenceLine], list[str]]:
    """Lines and errors (capped: the first ``limits.MAX_ERRORS`` and a count). Import only when there is
    no error."""
    if len(text) > limits.MAX_UPLOAD_BYTES:
        return [], [f"Fichier trop volumineux : {limits.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo au plus."]
    try:
        rows, errors = _parse(text, enrolled, modules, slots_at, debut, fin)
    except csv.Error as error:
        return [], [f"CSV mal formé ({error}) : vérifiez les guillemets et enregistrez le fichier en CSV UTF-8."]
    return rows, limits.cap_errors(errors, limits.others)


def _date(text: str) -> dt.date | None:
    for read in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return read(text)
        except ValueError:
            continue
    return None


def _parse(text: str, enrolled: Collection[str], modules: Collection[str], slots_at: Callable[[dt.date], Slots],
           debut: dt.date | None, fin: dt.date | None) -> tuple[list[AbsenceLine], list[str]]:
    rows: list[AbsenceLine] = []
    errors: list[str] = []
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = [h.strip().lower().replace("é", "e") for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        return [], [f"Colonnes manquantes : {', '.join(missing)}. L'en-tête attendu est : {';'.join(CSV_COLUMNS)}."]
    reader.fieldnames = header
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_CSV_ROWS:
            return [], [f"Plus de {MAX_CSV_ROWS} lignes : découpez le fichier (par mois, par exemple)."]
        values: Mapping[str, str] = {k: (raw.get(k) or "").strip() for k in CSV_COLUMNS}
        nip, module = values["nip"], values["module"]
        where = f"ligne {line}"
        if nip not in enrolled:
            errors.append(f"{where} : NIP « {nip} » inconnu ou non inscrit dans ce semestre.")
            continue
        date = _date(values["date"])
        if date is None:
            errors.append(f"{where} : date « {values['date']} » illisible (attendu AAAA-MM-JJ ou JJ/MM/AAAA).")
            continue
        slots = slots_at(date)
        creneau = slot_code(values["creneau"], slots)
        if creneau is None:
            expected = " ou ".join(code for code, _label in slots)
            errors.append(f"{where} : créneau « {values['creneau'][:20]} » inconnu le {date:%d/%m/%Y} "
                          f"(attendu {expected}).")
            continue
        nature = _NATURES.get(values["nature"].lower())
        if nature is None:
            errors.append(f"{where} : nature « {values['nature']} » inconnue (attendu absence ou retard).")
            continue
        if module and modules and module not in modules:
            errors.append(f"{where} : module « {module} » absent de ce semestre.")
            continue
        if debut and fin and not (debut <= date <= fin):
            errors.append(f"{where} : le {date:%d/%m/%Y} est hors du semestre.")
            continue
        rows.append(AbsenceLine(line, nip, date, creneau, module, nature.value))
    return rows, errors
