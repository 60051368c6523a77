"""Hostile files for the upload bounds (issue 19): built here, in memory, streamed so that the test never
holds the uncompressed bomb itself. Each returns the bytes a teacher or a secretary could upload."""

from __future__ import annotations

import io
import resource
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
       'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
       'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
       'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/'
       'officeDocument/2006/relationships"><sheets><sheet name="Saisie notes" sheetId="1" r:id="rId1"/></sheets>'
       '</workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>')


def _write_stream(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as out:
        for chunk in chunks:
            out.write(chunk)


def workbook(sheet: Iterable[bytes], strings: Iterable[bytes] | None = None, *, level: int = 9,
             extra: Iterable[tuple[str, bytes]] = ()) -> bytes:
    """A minimal workbook openpyxl can open; ``sheet`` and ``strings`` are the chunks of the sheet's XML
    and of the shared-strings XML (streamed into the zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WB)
        archive.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        _write_stream(archive, "xl/worksheets/sheet1.xml", sheet)
        _write_stream(archive, "xl/sharedStrings.xml", strings if strings is not None else
                      [f'<sst xmlns="{NS}"></sst>'.encode()])
        for name, content in extra:
            archive.writestr(name, content)
    return buffer.getvalue()


def _sheet(rows: Iterable[bytes]) -> Iterable[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'.encode()
    yield from rows
    yield b"</sheetData></worksheet>"


def _batched(item: bytes, count: int, batch: int = 50_000) -> Iterable[bytes]:
    done = 0
    while done < count:
        n = min(batch, count - done)
        yield item * n
        done += n


def tiny_shared_strings(count: int = 30_000_000) -> bytes:
    """30 million shared strings « <si><t>a</t></si> » (≈ 510 MB of XML) in about a megabyte of zip."""
    head = f'<sst xmlns="{NS}" count="{count}" uniqueCount="{count}">'.encode()
    strings = [head, *_batched(b"<si><t>a</t></si>", count, 1_000_000), b"</sst>"]
    return workbook(_sheet([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']), strings)


def many_rows(count: int = 100_000, value: str = "x") -> bytes:
    """``count`` rows, each « !<n> … » with a bad grade in column E (openpyxl reads inline strings)."""
    def rows() -> Iterable[bytes]:
        yield b'<row><c t="inlineStr"><is><t>!1</t></is></c></row>'
        for n in range(2, count + 2):
            yield (f'<row><c t="inlineStr"><is><t>!{n}</t></is></c><c/><c/><c/>'
                   f'<c t="inlineStr"><is><t>{value}</t></is></c></row>').encode()
    return workbook(_sheet(rows()))


def wide_row(cells: int = 50_000) -> bytes:
    return workbook(_sheet([b"<row>", *_batched(b"<c><v>1</v></c>", cells), b"</row>"]))


def far_row(row: int = 1_000_000) -> bytes:
    """One cell on row ``row``: a reader that pads the rows between would build a million of them."""
    return workbook(_sheet([f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>!1</t></is></c></row>'.encode()]))


def many_members(count: int = 20_000) -> bytes:
    return workbook(_sheet([]), extra=[(f"xl/media/m{n}.xml", b"<a/>") for n in range(count)])


def zeros_member(size: int = 200 * 1024 * 1024, name: str = "xl/media/image1.xml") -> bytes:
    """A part of ``size`` spaces: a classic zip bomb (about 1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WB)
        archive.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", b"".join(_sheet([])))
        _write_stream(archive, name, _batched(b" ", size, 4 * 1024 * 1024))
    return buffer.getvalue()


def many_elements(count: int = 3_000_000, varied: bool = False) -> bytes:
    """Millions of unknown empty elements in the styles: openpyxl would build a tree of them. ``varied``:
    each element named differently, so that the part does not compress like a bomb."""
    body = (f"<x{n % 100_000}/>".encode() for n in range(count)) if varied else _batched(b"<x/>", count)
    return workbook(_sheet([]), extra=[("xl/styles.xml", b"".join([
        f'<styleSheet xmlns="{NS}">'.encode(), *body, b"</styleSheet>"]))])


def distinct_shared_strings(count: int) -> bytes:
    """``count`` different shared strings: compresses like a real table, not like a bomb."""
    strings = (f"<si><t>{n}</t></si>".encode() for n in range(count))
    return workbook(_sheet([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']),
                    [f'<sst xmlns="{NS}">'.encode(), *strings, b"</sst>"])


def students_sheet(rows: int, columns: int) -> bytes:
    """A students list at the bounds: a header, then ``rows`` lines of ``columns`` different texts."""
    names = ["NIP", "nom", "prénom"] + [f"col{n}" for n in range(columns - 3)]
    def lines() -> Iterable[bytes]:
        yield ("<row>" + "".join(f'<c t="inlineStr"><is><t>{t}</t></is></c>' for t in names) + "</row>").encode()
        for r in range(rows):
            cells = [f"{21000000 + r}", f"Nom{r}", f"Prénom{r}"] + [f"v{r}-{c}" for c in range(columns - 3)]
            yield ("<row>" + "".join(f'<c t="inlineStr"><is><t>{t}</t></is></c>' for t in cells) + "</row>").encode()
    return workbook(_sheet(lines()), level=6)


def entity_bomb() -> bytes:
    """The « billion laughs » in the shared strings."""
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
           + f']><sst xmlns="{NS}"><si><t>&lol9;</t></si></sst>')
    return workbook(_sheet([]), [lol.encode()])


def lying_sizes(data: bytes, member: str, declared: int) -> bytes:
    """``data`` with ``member``'s uncompressed size rewritten as ``declared`` in the central directory
    (ZIP64 extra field, as written by ``force_zip64``)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(member)
    out = bytearray(data)
    # the central directory entry: signature, then the name at offset 46
    needle = b"PK\x01\x02"
    start = 0
    while True:
        start = out.index(needle, start)
        name_len, extra_len = struct.unpack("<HH", out[start + 28:start + 32])
        name = bytes(out[start + 46:start + 46 + name_len]).decode()
        if name == member:
            break
        start += 4
    extra = start + 46 + name_len
    end = extra + extra_len
    while extra < end:
        tag, size = struct.unpack("<HH", out[extra:extra + 4])
        if tag == 1:  # ZIP64: uncompressed size first
            out[extra + 4:extra + 12] = struct.pack("<Q", declared)
            return bytes(out)
        extra += 4 + size
    assert info.file_size < 0xFFFFFFFF and declared < 0xFFFFFFFF
    out[start + 24:start + 28] = struct.pack("<I", declared)
    return bytes(out)


@dataclass(frozen=True)
class Cost:
    cpu: float  # seconds of CPU (user + system) of this process
    peak: int  # bytes allocated by Python at the peak (tracemalloc)
    wall: float

    def __str__(self) -> str:
        return f"{self.cpu:.2f} s CPU, {self.peak / 1e6:.1f} Mo au plus, {self.wall:.2f} s"


def cost(call: Callable[[], object]) -> tuple[object, Cost]:
    """Runs ``call`` twice: once for its CPU time (plain), once under tracemalloc for its memory peak."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter()
    result = call()
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tracemalloc.start()
    try:
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, Cost(cpu, peak, wall)


def corner_cells() -> bytes:
    """A1 and XFD1048576: a reader that builds the used area would allocate 17 billion cells."""
    return workbook(_sheet([b'<row r="1"><c r="A1" t="inlineStr"><is><t>!1</t></is></c></row>',
                            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>']))


def far_cell_without_reference() -> bytes:
    """The same corner reached without ``r`` attributes: 16 384 cells in the last row of a numbered row."""
    return workbook(_sheet([b'<row r="1048576">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 900 + b"</row>"]))
