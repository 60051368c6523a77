"""Students' photos: a zip of images and a mapping sheet (NIP → file name), read and checked before anything
is stored (issue 13). Writes nothing: returns the photos, re-encoded, and the errors (file, row, reason).

Bounds, checked in this order so that a hostile file costs little:

1. the zip's directory only: at most ``members`` files, each declaring at most ``member_bytes``
   uncompressed, ``total_bytes`` in all, and no file compressed more than ``ratio`` times (a « zip bomb »);
2. each image's header (Pillow reads only that when opening): JPEG, PNG or WebP, at most ``pixels``
   pixels (a « decompression bomb » is a small file declaring a gigantic image; Pillow's own
   ``MAX_IMAGE_PIXELS`` guard is also turned into an error) and ``total_pixels`` for the whole zip;
3. then each image is decoded, turned upright (EXIF), reduced to ``box`` and re-encoded as JPEG: what is
   stored is never the uploaded bytes (no metadata, no polyglot file).

Without a mapping sheet, each image named ``<NIP>.jpg`` (or .jpeg, .png, .webp) is that student's photo.
"""

from __future__ import annotations

import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from delibe.imports.etudiants import _csv_rows, _wrong_type, _xlsx_rows, header_key
from delibe.imports.limits import MAX_ERRORS
from delibe.imports.results import Issue, Issues, ParseResult

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO"})  # MPO: the JPEG of some cameras
NIP_HEADERS = frozenset(header_key(h) for h in ("nip", "code nip", "numéro étudiant", "n° étudiant", "numero"))
FILE_HEADERS = frozenset(header_key(h) for h in ("fichier", "photo", "image", "nom du fichier", "nom de fichier",
                                                  "fichier photo"))


@dataclass(frozen=True)
class PhotoLimits:
    """What one upload of photos may hold. The defaults fit 1 000 students' identity photos."""

    zip_bytes: int = 50 * 1024 * 1024
    members: int = 2_000
    member_bytes: int = 8 * 1024 * 1024
    total_bytes: int = 300 * 1024 * 1024
    ratio: int = 50
    ratio_floor: int = 256 * 1024
    pixels: int = 24_000_000  # one image: 6 000 × 4 000 (a 24-megapixel camera)
    total_pixels: int = 2_000_000_000
    box: tuple[int, int] = (480, 640)  # stored size at most (width, height)


PHOTOS = PhotoLimits()


@dataclass(frozen=True)
class Photo:
    nip: str
    source: str  # the file's name in the zip
    jpeg: bytes
    sha256: str


def _mo(value: int) -> str:
    return f"{value / (1024 * 1024):.0f} Mo"


def read_mapping(data: bytes, filename: str) -> ParseResult[dict[str, str]]:
    """The mapping sheet (CSV or XLSX): a column « NIP » and a column « fichier » (or « photo »)."""
    wrong = _wrong_type(data, filename)
    if wrong is not None:
        return ParseResult(None, (wrong,))
    table = _xlsx_rows(data, filename) if data[:2] == b"PK" else _csv_rows(data, filename)
    if isinstance(table, Issue):
        return ParseResult(None, (table,))
    rows = table if isinstance(table, list) else table[0]
    header_at = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_at is None:
        return ParseResult(None, (Issue(filename, "feuille vide : il faut une ligne « NIP ; fichier » puis une "
                                                  "ligne par étudiant."),))
    keys = [header_key(c) for c in rows[header_at]]
    nip_col = next((i for i, k in enumerate(keys) if k in NIP_HEADERS), None)
    file_col = next((i for i, k in enumerate(keys) if k in FILE_HEADERS), None)
    if nip_col is None or file_col is None:
        missing = " et ".join(n for n, c in (("« NIP »", nip_col), ("« fichier »", file_col)) if c is None)
        return ParseResult(None, (Issue(f"{filename}, ligne {header_at + 1}",
                                        f"colonne {missing} absente : la première ligne doit être « NIP ; fichier »."),))
    errors = Issues(MAX_ERRORS)
    mapping: dict[str, str] = {}
    seen_files: dict[str, int] = {}
    lines: dict[str, int] = {}
    for offset, cells in enumerate(rows[header_at + 1:]):
        line = header_at + 2 + offset
        nip = cells[nip_col].strip() if nip_col < len(cells) else ""
        name = cells[file_col].strip() if file_col < len(cells) else ""
        if not nip and not name:
            continue
        if not nip or not name:
            errors.append(Issue(f"{filename}, ligne {line}", "NIP ou nom de fichier manquant : remplissez les deux "
                                                              "cellules ou supprimez la ligne."))
            continue
        if nip in lines:
            errors.append(Issue(f"{filename}, ligne {line}", f"le NIP {nip} figure déjà ligne {lines[nip]} : une "
                                                              "photo par étudiant."))
            continue
        if name.lower() in seen_files:
            errors.append(Issue(f"{filename}, ligne {line}", f"le fichier {name} est déjà celui de la ligne "
                                                              f"{seen_files[name.lower()]}."))
            continue
        lines[nip], seen_files[name.lower()] = line, line
        mapping[nip] = name
    if not mapping and not errors:
        errors.append(Issue(filename, "aucune ligne après les en-têtes : rien à importer."))
    return ParseResult(mapping, errors.final())


def _members(archive: zipfile.ZipFile, limits: PhotoLimits) -> list[zipfile.ZipInfo]:
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if len(infos) > limits.members:
        raise ValueError(f"l'archive contient {len(infos)} fichiers ({limits.members} au plus) : découpez-la.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.member_bytes:
            raise ValueError(f"{info.filename[:80]} fait {_mo(info.file_size)} une fois décompressé "
                             f"({_mo(limits.member_bytes)} au plus par photo) : réduisez les photos.")
        if total > limits.total_bytes:
            raise ValueError(f"une fois décompressée, l'archive ferait plus de {_mo(limits.total_bytes)} : "
                             "découpez-la.")
        if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(1, info.compress_size):
            raise ValueError(f"{info.filename[:80]} se décompresse {info.file_size // max(1, info.compress_size)} "
                             f"fois (au plus {limits.ratio}) : cette archive ressemble à une « bombe zip », "
                             "elle est refusée.")
    return [i for i in infos if not _ignored(i.filename)]


def _ignored(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts) or name.lower().endswith(("thumbs.db",
                                                                                            "desktop.ini"))


def reencode(raw: bytes, where: str, limits: PhotoLimits, budget: list[int]) -> bytes:
    """The photo as a JPEG of at most ``limits.box``; ValueError (French) for anything else."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as image:  # reads the header only
                if image.format not in FORMATS:
                    raise ValueError(f"{where} : format {image.format or 'inconnu'} refusé (JPEG, PNG ou WebP).")
                width, height = image.size
                if width * height > limits.pixels:
                    raise ValueError(f"{where} : image de {width} × {height} pixels ({limits.pixels // 1_000_000} "
                                     "millions au plus) : réduisez-la.")
                budget[0] -= width * height
                if budget[0] < 0:
                    raise ValueError(f"{where} : les images de l'archive dépassent ensemble "
                                     f"{limits.total_pixels // 1_000_000} millions de pixels : découpez-la.")
                image.draft("RGB", limits.box)  # JPEG: decoded at the smallest scale still covering the box
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail(limits.box)
                out = io.BytesIO()
                upright.convert("RGB").save(out, "JPEG", quality=85)
                return out.getvalue()
    except ValueError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValueError(f"{where} : image refusée : elle se déclare démesurée (« bombe de décompression », "
                         f"plus de {Image.MAX_IMAGE_PIXELS // 1_000_000} millions de pixels).") from error
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError) as error:
        raise ValueError(f"{where} : ce n'est pas une image lisible ({type(error).__name__}).") from None


def read_photos(data: bytes, mapping: dict[str, str] | None, filename: str = "archive",
                limits: PhotoLimits = PHOTOS) -> ParseResult[tuple[Photo, ...]]:
    """Every photo of the zip ``data``, matched to a NIP by ``mapping`` (else by the file's name)."""
    if len(data) > limits.zip_bytes:
        return ParseResult(None, (Issue(filename, f"archive trop volumineuse ({_mo(len(data))} ; "
                                                  f"{_mo(limits.zip_bytes)} au plus) : découpez-la."),))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return ParseResult(None, (Issue(filename, "ce n'est pas une archive ZIP lisible : compressez le dossier "
                                                  "des photos au format .zip."),))
    errors = Issues(MAX_ERRORS)
    photos: list[Photo] = []
    with archive:
        try:
            infos = _members(archive, limits)
        except ValueError as error:
            return ParseResult(None, (Issue(filename, str(error)),))
        by_path = {i.filename: i for i in infos}
        by_base: dict[str, list[zipfile.ZipInfo]] = {}
        for info in infos:
            by_base.setdefault(PurePosixPath(info.filename).name.lower(), []).append(info)
        if mapping is None:
            wanted = {}
            for info in infos:
                path = PurePosixPath(info.filename)
                if path.suffix.lower() in IMAGE_SUFFIXES:
                    if path.stem in wanted:
                        errors.append(Issue(f"{filename} : {info.filename}", f"deux photos pour le NIP {path.stem}."))
                    wanted[path.stem] = info.filename
        else:
            wanted = mapping
        budget = [limits.total_pixels]
        for nip, name in wanted.items():
            info = by_path.get(name)
            if info is None:
                candidates = by_base.get(PurePosixPath(name).name.lower(), [])
                if len(candidates) > 1:
                    errors.append(Issue(f"{filename} : {name}", "plusieurs fichiers portent ce nom dans l'archive : "
                                                                "écrivez son chemin complet dans la feuille."))
                    continue
                info = candidates[0] if candidates else None
            if info is None:
                errors.append(Issue(f"{filename} : {name}", f"fichier absent de l'archive (NIP {nip})."))
                continue
            try:
                with archive.open(info) as stream:
                    raw = stream.read(limits.member_bytes + 1)
                jpeg = reencode(raw, f"{info.filename} (NIP {nip})", limits, budget)
            except ValueError as error:
                errors.append(Issue(filename, str(error)))
                if budget[0] < 0:
                    break
                continue
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                errors.append(Issue(f"{filename} : {info.filename}", "fichier endommagé ou chiffré dans l'archive."))
                continue
            photos.append(Photo(nip, info.filename, jpeg, hashlib.sha256(jpeg).hexdigest()))
    if not photos and not errors:
        errors.append(Issue(filename, "aucune photo : nommez les images <NIP>.jpg, ou joignez la feuille de "
                                      "correspondance « NIP ; fichier »."))
    return ParseResult(tuple(photos), errors.final())
