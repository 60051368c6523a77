"""All the documents of a semester (or a year jury) at once, in one zip file.

:func:`semester_documents` lists the files (bulletins as PDF and JSON, the PV as PDF and XLSX, the
letters, transcripts and attestations); :func:`write_zip` renders them, optionally in worker processes
(one engine instance per process: a 2-core machine renders about twice as fast with 2 workers), and calls
``progress(done, total, name)`` after each file, so that the CLI shows a progress bar and the web app a
progress indicator. The zip is written to a temporary file and moved into place at the end: an error
leaves nothing half-written.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from delibe.reports.data import (
    AttestationData,
    BulletinData,
    Identite,
    LettreData,
    PVData,
    ReleveDiplomeData,
)

Progress = Callable[[int, int, str], None]

# The fastest deflate: a Typst PDF keeps its tags' structure uncompressed, which level 1 halves as well as
# level 6 (47 % against 49 % of a detailed bulletin) for half the CPU of the parent process (1.5 ms against
# 2.9 ms a bulletin), a core the render workers need.
_ZIP_LEVEL = 1
# imported once by the fork server, so that each render worker starts without importing them again
_RENDERERS = ("delibe.reports.batch", "delibe.reports.bulletin", "delibe.reports.diplome",
              "delibe.reports.lettre", "delibe.reports.pv", "delibe.reports.typeset")


@dataclass(frozen=True)
class Document:
    """One file of the batch: its path inside the zip, its format and its data."""

    name: str
    kind: str  # bulletin-pdf, bulletin-json, pv-pdf, pv-xlsx, lettre-pdf, releve-pdf, attestation-pdf
    data: object


def slug(text: str) -> str:
    """An ASCII file-name part: « Léa DURAND » → « Lea-DURAND »."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-") or "sans-nom"


def _student(e: Identite) -> str:
    return slug("-".join(p for p in (e.numero, e.nom.upper(), e.prenom) if p))


def semester_documents(
    bulletins: Sequence[BulletinData] = (),
    pv: PVData | None = None,
    lettres: Sequence[LettreData] = (),
    releves: Sequence[ReleveDiplomeData] = (),
    attestations: Sequence[AttestationData] = (),
    *,
    json: bool = True,
) -> list[Document]:
    docs: list[Document] = []
    if pv is not None:
        sem = "-".join(f"S{s}" for s in pv.semestres)
        docs.append(Document(f"pv/PV-jury-{sem}.pdf", "pv-pdf", pv))
        docs.append(Document(f"pv/PV-jury-{sem}.xlsx", "pv-xlsx", pv))
    for b in bulletins:
        base = f"bulletins/S{b.semestre}/{_student(b.etudiant)}-S{b.semestre}"
        docs.append(Document(base + ".pdf", "bulletin-pdf", b))
        if json:
            docs.append(Document(base + ".json", "bulletin-json", b))
    for lettre in lettres:
        docs.append(Document(f"lettres/{_student(lettre.etudiant)}-decision-BUT{lettre.annee_but}.pdf", "lettre-pdf",
                             lettre))
    for r in releves:
        docs.append(Document(f"diplomes/{_student(r.etudiant)}-releve-{r.diplome}.pdf", "releve-pdf", r))
    for a in attestations:
        docs.append(Document(f"diplomes/{_student(a.etudiant)}-attestation-{a.diplome}.pdf", "attestation-pdf", a))
    seen: set[str] = set()
    for d in docs:
        if d.name in seen:
            raise ValueError(f"deux documents porteraient le même nom « {d.name} » dans le zip: deux étudiants "
                             "ont-ils le même numéro et le même nom? Donnez-leur un numéro étudiant distinct.")
        seen.add(d.name)
    return docs


def render_document(doc: Document) -> bytes:
    """The bytes of one document (runs in a worker process when ``workers > 1``)."""
    from delibe.reports import bulletin, diplome, lettre, pv

    data = doc.data
    if doc.kind == "bulletin-pdf":
        return bulletin.to_pdf(data)  # type: ignore[arg-type]  # doc.kind says which data type doc.data holds
    if doc.kind == "bulletin-json":
        return bulletin.to_json(data).encode("utf-8")  # type: ignore[arg-type]  # same: doc.kind gives the type
    if doc.kind == "pv-pdf":
        return pv.to_pdf(data)  # type: ignore[arg-type]  # doc.kind says which data type doc.data holds
    if doc.kind == "pv-xlsx":
        return pv.to_xlsx(data)  # type: ignore[arg-type]  # doc.kind says which data type doc.data holds
    if doc.kind == "lettre-pdf":
        return lettre.to_pdf(data)  # type: ignore[arg-type]  # doc.kind says which data type doc.data holds
    if doc.kind == "releve-pdf":
        return diplome.releve_pdf(data)  # type: ignore[arg-type]  # doc.kind says which data type doc.data holds
    if doc.kind == "attestation-pdf":
        return diplome.attestation_pdf(data)  # type: ignore[arg-type]  # doc.kind says which data type doc.data holds
    raise ValueError(f"type de document inconnu: {doc.kind}")


def render_all(documents: Sequence[Document], *, workers: int = 1) -> Iterator[tuple[Document, bytes]]:
    """Render ``documents`` in order, in ``workers`` processes when more than one."""
    if workers <= 1 or len(documents) < 4:
        for doc in documents:
            yield doc, render_document(doc)
        return
    import multiprocessing

    from delibe.reports import typeset

    # Not a plain fork of this process: once Typst has printed here, its Rust thread pool does not survive
    # a fork (the workers hang). forkserver forks them from a clean process that imported this module only.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(_RENDERERS))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                             initargs=(typeset.engine(),)) as pool:
        yield from zip(documents, pool.map(render_document, documents, chunksize=2))


def _worker_init(engine: str) -> None:
    """The caller's PDF engine, and one thread per worker: the processes are the parallelism."""
    os.environ["DELIBE_PDF_MOTEUR"] = engine
    os.environ.setdefault("RAYON_NUM_THREADS", "1")


def write_zip(
    documents: Sequence[Document],
    target: str | Path,
    *,
    progress: Progress | None = None,
    workers: int = 1,
) -> Path:
    """Render ``documents`` into the zip file ``target`` (replaced atomically); returns its path."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".delibe-", suffix=".zip.part", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL) as zf:
            total = len(documents)
            for done, (doc, content) in enumerate(render_all(documents, workers=workers), 1):
                zf.writestr(doc.name, content)
                if progress:
                    progress(done, total, doc.name)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def zip_bytes(documents: Iterable[Document], *, progress: Progress | None = None) -> bytes:
    """The zip in memory (for a web response), rendered in this process."""
    import io

    docs = list(documents)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL) as zf:
        for done, doc in enumerate(docs, 1):
            zf.writestr(doc.name, render_document(doc))
            if progress:
                progress(done, len(docs), doc.name)
    return buffer.getvalue()
