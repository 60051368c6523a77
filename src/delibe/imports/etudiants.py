"""A secretariat's list of students (CSV or XLSX) into typed rows plus errors. Writes nothing.

Columns are found by their header, matched tolerantly (case, accents, spaces and punctuation ignored, a
few usual synonyms: « N° étudiant » for the NIP, « Courriel » for the email…). Required: NIP, nom,
prénom. Optional: INE, civilité, date de naissance (jj/mm/aaaa or aaaa-mm-jj), email, groupe, parcours,
and for apprentices employeur, tuteur, the tutor's and the CFA's e-mail (tuteur_email, cfa, cfa_email),
début/fin de contrat. Other columns are ignored (a warning names
them). CSV: separator « ; », « , » or tabulation, encoding UTF-8 (with or without BOM) or Windows-1252,
detected. Every problem names its line and column, in French; a file with any error must not be applied.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from delibe.imports import limits, xlsx
from delibe.imports.results import Issue, Issues, ParseResult

MAX_BYTES = limits.MAX_UPLOAD_BYTES  # a promotion of 1 000 students is about 150 kB of CSV
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_CELL = 300

# field -> (label shown in messages, accepted header spellings, normalised by ``header_key``)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nip": ("NIP", ("nip", "codenip", "numeroetudiant", "netudiant", "noetudiant", "numetudiant",
                    "numerodetudiant", "codeetudiant", "numero")),
    "ine": ("INE", ("ine", "codeine", "numeroine", "bea", "ine bea")),
    "nom": ("nom", ("nom", "nomdefamille", "nomusuel", "nompatronymique", "nometudiant")),
    "prenom": ("prénom", ("prenom", "prenoms", "premierprenom", "prenometudiant")),
    "civilite": ("civilité", ("civilite", "genre", "sexe", "civ")),
    "date_naissance": ("date de naissance", ("datedenaissance", "datenaissance", "naissance", "nele", "neele",
                                             "nee", "ne", "ddn", "datenais")),
    "email": ("email", ("email", "mail", "courriel", "adressemail", "adresseemail", "emailetudiant",
                        "mailetudiant", "emailuniversitaire", "courrielinstitutionnel", "emailinstitutionnel")),
    "groupe": ("groupe", ("groupe", "groupetd", "gr", "grp", "td")),
    "parcours": ("parcours", ("parcours", "codeparcours")),
    "employeur": ("employeur", ("employeur", "entreprise", "raisonsociale", "entrepriseaccueil")),
    "tuteur": ("tuteur", ("tuteur", "maitredapprentissage", "maitreapprentissage", "tuteurentreprise",
                          "maitredapprentissageentreprise", "tuteurenentreprise")),
    "tuteur_email": ("courriel du tuteur", ("tuteuremail", "emailtuteur", "mailtuteur", "courrieltuteur",
                                             "courrieldututeur", "emaildututeur", "emailmaitredapprentissage",
                                             "courrielmaitredapprentissage")),
    "cfa": ("CFA", ("cfa", "nomcfa", "nomducfa")),
    "cfa_email": ("courriel du CFA", ("cfaemail", "emailcfa", "mailcfa", "courrielcfa", "courrielducfa",
                                      "emailducfa")),
    "contrat_debut": ("début de contrat", ("debutdecontrat", "debutcontrat", "datedebutcontrat",
                                           "datedebutducontrat", "debutducontrat", "contratdebut")),
    "contrat_fin": ("fin de contrat", ("findecontrat", "fincontrat", "datefincontrat", "datefinducontrat",
                                       "finducontrat", "contratfin")),
}
REQUIRED = ("nip", "nom", "prenom")
CIVILITES = {"m": "M.", "mr": "M.", "monsieur": "M.", "h": "M.", "homme": "M.", "mme": "Mme", "madame": "Mme",
             "f": "Mme", "femme": "Mme", "mlle": "Mme", "x": "X", "autre": "X", "nonbinaire": "X"}
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
_IDENT = re.compile(r"^[A-Za-z0-9]{1,20}$")


def header_key(text: str) -> str:
    """« Date de naissance » → « datedenaissance »; « N° étudiant » → « netudiant »."""
    decomposed = unicodedata.normalize("NFKD", text.replace("°", "").replace("º", ""))
    return "".join(c for c in decomposed.lower() if c.isalnum() and not unicodedata.combining(c))


_BY_KEY = {header_key(alias): name for name, (_, aliases) in COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class StudentRow:
    line: int
    nip: str
    nom: str
    prenom: str
    ine: str = ""
    civilite: str = ""
    date_naissance: dt.date | None = None
    email: str = ""
    groupe: str = ""
    parcours: str = ""
    employeur: str = ""
    tuteur: str = ""
    tuteur_email: str = ""
    cfa: str = ""
    cfa_email: str = ""
    contrat_debut: dt.date | None = None
    contrat_fin: dt.date | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready (dates in ISO), for a web session between the preview and the confirmation."""
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> StudentRow:
        values = dict(data)
        for key in ("date_naissance", "contrat_debut", "contrat_fin"):
            if values.get(key):
                values[key] = dt.date.fromisoformat(str(values[key]))
        return cls(**values)  # type: ignore[arg-type]  # the dict came from to_dict(): same fields and types


@dataclass(frozen=True)
class StudentFile:
    rows: tuple[StudentRow, ...]
    columns: frozenset[str]  # the fields the file has a column for (an absent column changes nothing)
    format: str  # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""
    ignored: tuple[str, ...] = field(default=())


def _fail(filename: str, message: str) -> ParseResult[StudentFile]:
    return ParseResult(None, (Issue(filename, message),))


def parse_date(text: str) -> dt.date | None:
    """jj/mm/aaaa (also with - or .), aaaa-mm-jj, or an ISO date-time; None if it is not a real date."""
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    try:
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # a NIP typed in a spreadsheet cell comes as 21234567.0
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _decode(data: bytes) -> tuple[str, str] | None:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return None


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _csv_rows(data: bytes, filename: str) -> tuple[list[list[str]], str, str] | Issue:
    if b"\x00" in data[:4096]:
        return Issue(filename, "ce fichier n'est pas un fichier texte (CSV) : enregistrez la liste au format "
                               "CSV (séparateur « ; ») ou Excel (.xlsx).")
    decoded = _decode(data)
    if decoded is None:
        return Issue(filename, "encodage illisible : enregistrez le fichier en CSV UTF-8.")
    text, encoding = decoded
    if "\x00" in text:
        return Issue(filename, "caractère nul dans le fichier : ce n'est pas un CSV valide.")
    found = re.search(r"^.*\S.*$", text, re.MULTILINE)  # not splitlines(): 5 MB of newlines = 5 M strings
    first = found.group(0) if found else ""
    delimiter = _sniff_delimiter(first)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row[:MAX_COLUMNS + 1])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        return Issue(f"{filename}, ligne {len(rows) + 1}", f"CSV mal formé ({error}) : vérifiez les guillemets.")
    return rows, encoding, delimiter


def _xlsx_rows(data: bytes, filename: str) -> list[list[str]] | Issue:
    try:
        cells = xlsx.read_rows(data, limits.STUDENTS, max_rows=MAX_ROWS + 2, max_columns=MAX_COLUMNS + 1)
    except limits.LimitExceeded as error:
        return Issue(filename, f"fichier refusé : {error}")
    except xlsx.Unreadable:
        return Issue(filename, "ce classeur Excel est illisible : enregistrez-le à nouveau au format .xlsx, "
                               "ou exportez la liste en CSV.")
    rows = [[_cell_text(c) for c in row] for row in cells]
    while rows and not rows[-1]:
        rows.pop()  # the empty rows read up to the limit, after the list
    return rows


def _wrong_type(data: bytes, filename: str) -> Issue | None:
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return Issue(filename, "ancien format Excel (.xls) : enregistrez le classeur au format .xlsx ou CSV.")
    if head.startswith(b"%PDF"):
        return Issue(filename, "c'est un PDF : déposez la liste au format CSV ou Excel (.xlsx).")
    if head.startswith(b"PK") and not _is_xlsx(data):
        return Issue(filename, "archive ZIP qui n'est pas un classeur Excel (.xlsx) : déposez un .xlsx ou un "
                               "CSV (un classeur LibreOffice .ods doit être enregistré en .xlsx).")
    return None


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def parse_students(data: bytes, filename: str = "fichier") -> ParseResult[StudentFile]:
    """Reads a CSV or XLSX list of students (format detected from the content). Never raises on bad input."""
    if len(data) > MAX_BYTES:
        return _fail(filename, f"fichier trop volumineux ({len(data) // 1024} Ko ; au plus "
                               f"{MAX_BYTES // (1024 * 1024)} Mo) : découpez la liste.")
    if not data.strip():
        return _fail(filename, "fichier vide : il faut une ligne d'en-têtes (NIP ; nom ; prénom…) puis une "
                               "ligne par étudiant.")
    wrong = _wrong_type(data, filename)
    if wrong is not None:
        return ParseResult(None, (wrong,))
    encoding = delimiter = ""
    if data.startswith(b"PK"):
        table = _xlsx_rows(data, filename)
        fmt = "xlsx"
    else:
        read = _csv_rows(data, filename)
        fmt = "csv"
        if isinstance(read, tuple):
            table, encoding, delimiter = read
        else:
            table = read
    if isinstance(table, Issue):
        return ParseResult(None, (table,))
    return _rows_of(table, filename, fmt, encoding, delimiter)


def _header(table: Sequence[Sequence[str]]) -> tuple[int, list[str]] | None:
    """The first non-empty line is the header."""
    for index, row in enumerate(table):
        if any(c.strip() for c in row):
            return index, list(row)
    return None


def _rows_of(table: list[list[str]], filename: str, fmt: str, encoding: str,
             delimiter: str) -> ParseResult[StudentFile]:
    errors, warnings = Issues(limits.MAX_ERRORS), Issues(limits.MAX_ERRORS)
    found = _header(table)
    if found is None:
        return _fail(filename, "aucune ligne : il faut une ligne d'en-têtes (NIP ; nom ; prénom…).")
    header_index, header = found
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    if len(header) > MAX_COLUMNS:
        return _fail(f"ligne {header_index + 1}", f"plus de {MAX_COLUMNS} colonnes : ce n'est pas une liste "
                                                  "d'étudiants.")
    for column, title in enumerate(header[:MAX_COLUMNS]):
        name = _BY_KEY.get(header_key(title))
        shown = " ".join(title.split())[:60]
        if name is None:
            if shown:
                ignored.append(shown)
            continue
        if name in positions:
            errors.append(Issue(f"ligne {header_index + 1}, colonne « {shown} »",
                                f"deux colonnes désignent le même champ ({COLUMNS[name][0]}, déjà colonne "
                                f"« {labels[name]} ») : supprimez-en une."))
            continue
        positions[name] = column
        labels[name] = shown
    missing = [COLUMNS[n][0] for n in REQUIRED if n not in positions]
    if missing:
        errors.append(Issue(f"ligne {header_index + 1}", (
            f"colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}. La première ligne doit nommer les "
            "colonnes, par exemple « NIP ; nom ; prénom ; date de naissance ; email ; groupe »."
            + (f" Colonnes lues : {', '.join(ignored[:10])}." if ignored else ""))))
        return ParseResult(None, errors.final())
    if ignored:
        warnings.append(Issue(f"ligne {header_index + 1}", f"colonne(s) ignorée(s) : {', '.join(ignored[:20])}."))
    body = table[header_index + 1:]
    if len(body) > MAX_ROWS:
        return ParseResult(None, (Issue(filename, f"plus de {MAX_ROWS} lignes : découpez la liste par "
                                                  "promotion."),))
    rows: list[StudentRow] = []
    seen: dict[str, int] = {}
    for offset, cells in enumerate(body):
        line = header_index + 2 + offset
        if not any(c.strip() for c in cells):
            continue
        row = _row(line, cells, positions, labels, errors)
        if row is None:
            continue
        if row.nip in seen:
            errors.append(Issue(f"ligne {line}, colonne « {labels['nip']} »",
                                f"le NIP {row.nip} figure déjà ligne {seen[row.nip]} : un étudiant par ligne."))
            continue
        seen[row.nip] = line
        rows.append(row)
    if not rows and not errors:
        errors.append(Issue(filename, "aucun étudiant : le fichier n'a que la ligne d'en-têtes."))
    value = StudentFile(tuple(rows), frozenset(positions), fmt, encoding, delimiter, tuple(ignored))
    return ParseResult(value, errors.final(), warnings.final())


def _row(line: int, cells: Sequence[str], positions: dict[str, int], labels: dict[str, str],
         errors: Issues) -> StudentRow | None:
    values: dict[str, object] = {}
    ok = True

    def bad(name: str, message: str) -> None:
        nonlocal ok
        ok = False
        errors.append(Issue(f"ligne {line}, colonne « {labels.get(name, COLUMNS[name][0])} »", message))

    for name, column in positions.items():
        raw = cells[column] if column < len(cells) else ""
        text = " ".join(str(raw).split())
        if any(unicodedata.category(c) == "Cc" for c in text):
            bad(name, "caractère de contrôle dans la cellule : retapez-la.")
            continue
        if len(text) > MAX_CELL:
            bad(name, f"cellule trop longue ({len(text)} caractères).")
            continue
        values[name] = text
    for name in REQUIRED:
        if ok and not values.get(name):
            bad(name, f"{COLUMNS[name][0]} manquant : chaque étudiant doit en avoir un.")
    for name in ("nip", "ine"):
        text = str(values.get(name, ""))
        if text and not _IDENT.fullmatch(text):
            bad(name, f"« {text[:40]} » n'est pas un {COLUMNS[name][0]} valide (lettres et chiffres, 20 au plus).")
    groupe = str(values.get("groupe", ""))
    if groupe:
        try:
            values["groupe"] = ", ".join(f"{p}:{g}" if p else g for p, g in parse_groupes(groupe))
        except ValueError as error:
            bad("groupe", str(error))
    for name, limit in (("nom", 120), ("prenom", 120), ("groupe", 200), ("parcours", 40), ("employeur", 200),
                        ("tuteur", 200), ("cfa", 200)):
        text = str(values.get(name, ""))
        if len(text) > limit:
            bad(name, f"« {text[:40]}… » est trop long ({len(text)} caractères, {limit} au plus).")
    civilite = str(values.get("civilite", ""))
    if civilite:
        normalised = CIVILITES.get(header_key(civilite))
        if normalised is None:
            bad("civilite", f"« {civilite[:40]} » n'est pas une civilité (M., Mme ou X).")
        else:
            values["civilite"] = normalised
    for name in ("email", "tuteur_email", "cfa_email"):
        email = str(values.get(name, ""))
        if email and (not _EMAIL.fullmatch(email) or len(email) > 254):
            bad(name, f"« {email[:60]} » n'est pas une adresse électronique.")
    for name in ("date_naissance", "contrat_debut", "contrat_fin"):
        text = str(values.get(name, ""))
        if not text:
            values[name] = None
            continue
        date = parse_date(text)
        if date is None or not 1900 <= date.year <= 2100:
            bad(name, f"{text[:40]} n'est pas une date (attendu jj/mm/aaaa ou aaaa-mm-jj).")
        values[name] = date
    debut, fin = values.get("contrat_debut"), values.get("contrat_fin")
    if isinstance(debut, dt.date) and isinstance(fin, dt.date) and fin < debut:
        bad("contrat_fin", f"le contrat finit ({fin:%d/%m/%Y}) avant de commencer ({debut:%d/%m/%Y}).")
    if (debut or fin) and not values.get("employeur"):
        bad("employeur" if "employeur" in positions else "contrat_debut",
            "dates de contrat sans employeur : renseignez l'employeur de l'apprenti.")
    if values.get("employeur") and not (isinstance(debut, dt.date) and isinstance(fin, dt.date)) \
            and ("contrat_debut" in positions or "contrat_fin" in positions):
        bad("contrat_debut" if not debut else "contrat_fin",
            "apprenti sans dates de contrat : renseignez le début et la fin du contrat.")
    if not ok:
        return None
    return StudentRow(line=line, **{k: v for k, v in values.items()})  # type: ignore[arg-type]  # each value was parsed to its field's type above


GROUP_NAME_MAX = 40


def parse_groupes(text: str) -> list[tuple[str, str]]:
    """A « groupe » cell: one or more ``partition:groupe`` separated by « , » or « ; » (« TD:A, TP:A1 »); a
    name without « : » is a group of the default partition, returned with an empty partition. ValueError
    (French) on an empty name, a name too long, or two groups of one partition."""
    pairs: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for part in re.split(r"[;,]", text):
        item = " ".join(part.split())
        if not item:
            continue
        partition, sep, groupe = (s.strip() for s in item.partition(":"))
        if not sep:
            partition, groupe = "", partition
        if not groupe or (sep and not partition) or ":" in groupe:
            raise ValueError(f"« {item[:60]} » : écrivez partition:groupe (par exemple TD:A) ou le seul nom du groupe.")
        for name in (partition, groupe):
            if len(name) > GROUP_NAME_MAX:
                raise ValueError(f"« {name[:40]}… » est trop long ({len(name)} caractères, {GROUP_NAME_MAX} au plus).")
        if partition in seen:
            where = f"la partition {partition}" if partition else "la partition par défaut"
            raise ValueError(f"deux groupes de {where} ({seen[partition]} et {groupe}) : un seul par partition.")
        seen[partition] = groupe
        pairs.append((partition, groupe))
    return pairs


def column_labels() -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(field, label, accepted spellings) for the documentation and the help of the page."""
    for name, (label, aliases) in COLUMNS.items():
        yield name, label, aliases


def csv_template(fields: Iterable[str] = ("nip", "ine", "nom", "prenom", "civilite", "date_naissance",
                                           "email", "groupe", "parcours")) -> str:
    return ";".join(COLUMNS[f][0] for f in fields) + "\n"
