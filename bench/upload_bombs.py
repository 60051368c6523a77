"""Cost of hostile uploads (issue 19): each file of the bomb suite (tests/trust/bombs.py) through the
parser that a web upload reaches — the grade sheet (``parse_grade_sheet``) or the students list
(``parse_students``) — and the largest files the bounds still accept. Prints a markdown table: the answer
(truncated), the CPU time of this process (user + system), the peak of Python allocations (tracemalloc,
a second run) and the wall time. Bound aimed at: under 2 s of CPU and 200 MB for any file.

    .venv/bin/python bench/upload_bombs.py
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "delibe.config.settings.test")


def main() -> None:
    from tests.trust import bombs

    from delibe.imports import etudiants
    from delibe.web.adapters.saisie_notes_xlsx import parse_grade_sheet

    def grade(data: bytes):
        return parse_grade_sheet(data, evaluation_key="1", note_max=20)

    def students(data: bytes):
        return etudiants.parse_students(data, "liste.xlsx")

    tiny = bombs.tiny_shared_strings()
    cases = [
        ("30 millions de textes partagés (feuille de notes)", tiny, grade),
        ("30 millions de textes partagés (liste d'étudiants)", tiny, students),
        ("idem, taille déclarée 900 Ko (mensonge)", bombs.lying_sizes(tiny, "xl/sharedStrings.xml", 900 * 1024), grade),
        ("partie déclarant 4 Go", bombs.lying_sizes(bombs.far_row(), "xl/sharedStrings.xml", 0xFFFFFFF0), grade),
        ("100 000 lignes (feuille de notes)", bombs.many_rows(100_000), grade),
        ("100 000 lignes (liste d'étudiants)", bombs.many_rows(100_000), students),
        ("60 010 textes partagés différents", bombs.distinct_shared_strings(60_010), students),
        ("une ligne de 50 000 cellules", bombs.wide_row(), students),
        ("une cellule ligne 1 000 000", bombs.far_row(), grade),
        ("A1 et XFD1048576 (zone de 17 milliards de cases)", bombs.corner_cells(), students),
        ("20 000 parties dans le zip", bombs.many_members(), students),
        ("bombe zip : 200 Mo d'espaces", bombs.zeros_member(), grade),
        ("8 Mo d'espaces (ratio 1000:1)", bombs.zeros_member(8 * 1024 * 1024), grade),
        ("2 millions d'éléments XML variés", bombs.many_elements(2_000_000, varied=True), students),
        ("entités XML (« billion laughs »)", bombs.entity_bomb(), grade),
        ("5 000 lignes d'erreurs (feuille de notes)", bombs.many_rows(5_000, value="abc"), grade),
        ("accepté : 4 990 étudiants × 10 colonnes", bombs.students_sheet(4_990, 10), students),
        ("CSV : 5 Mo de retours à la ligne", b"NIP;nom;prenom" + b"\n" * (5 * 1024 * 1024 - 20),
         lambda d: etudiants.parse_students(d, "liste.csv")),
    ]
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, Python "
          f"{platform.python_version()}\n")
    print("| fichier | taille | réponse | CPU | mémoire (pic) | durée |")
    print("|---|---:|---|---:|---:|---:|")
    for label, data, call in cases:
        result, cost = bombs.cost(lambda d=data, c=call: c(d))
        errors = list(result.errors)
        answer = (f"{len(errors)} erreur(s) : {str(errors[0])[:70]}…" if errors else "accepté")
        size = f"{len(data) / 1024:,.0f}".replace(",", " ")
        print(f"| {label} | {size} Ko | {answer.replace('|', '/')} | {cost.cpu:.2f} s | "
              f"{cost.peak / 1e6:.1f} Mo | {cost.wall:.2f} s |")


if __name__ == "__main__":
    import django

    django.setup()
    main()
