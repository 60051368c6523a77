"""Diplomas: the DUT when every UE of S1–S4 is acquired, the BUT when every UE of the cursus is."""

from __future__ import annotations

from collections.abc import Mapping

from delibe.engine.jury.model import DiplomaDecision, UEState
from delibe.engine.jury.registry import RULES as R
from delibe.engine.jury.rules.texte import names
from delibe.engine.jury.structure import CursusStructure


def diplomas(structure: CursusStructure, ues: Mapping[str, UEState]) -> DiplomaDecision:
    reasons = []
    dut_ues = structure.ues_of_semestres(range(1, 5))
    has_dut_years = 1 in structure.years and 2 in structure.years
    missing_dut = [u for u in dut_ues if not (u.code in ues and ues[u.code].acquise)]
    dut = has_dut_years and not missing_dut
    if dut:
        reasons.append(R["diplome.dut"].reason(
            f"DUT: les {len(dut_ues)} UE de S1 à S4 sont acquises → DUT", ues=len(dut_ues)))
    else:
        reasons.append(R["diplome.dut"].reason(
            f"pas de DUT: {len(missing_dut)} UE de S1 à S4 non acquise(s) ({names(missing_dut)})"
            if has_dut_years else "pas de DUT: le parcours n'a pas de BUT1 et BUT2 dans cette formation",
            manquantes=[u.code for u in missing_dut]))
    all_ues = structure.ues
    has_all_years = all(a in structure.years for a in (1, 2, 3))
    missing = [u for u in all_ues if not (u.code in ues and ues[u.code].acquise)]
    but = has_all_years and not missing
    if but:
        reasons.append(R["diplome.but"].reason(f"BUT: les {len(all_ues)} UE du cursus sont acquises → BUT",
                                               ues=len(all_ues)))
    else:
        reasons.append(R["diplome.but"].reason(
            f"pas de BUT: {len(missing)} UE du cursus non acquise(s) ({names(missing)})"
            if has_all_years else "pas de BUT: le parcours n'a pas ses trois années dans cette formation",
            manquantes=[u.code for u in missing]))
    return DiplomaDecision(dut, but, tuple(reasons))
