"""The documents of the web app, from the database: bulletins, PV de jury, lettres, relevés and
attestations of the DUT/BUT, the fiche formation.

Reports render, they never compute (docs/architecture.md): the averages and the proposals come from the
engine through :mod:`delibe.web.services.calcul`, the decisions from the jury's ``JuryDecision`` rows,
and this module copies them into the dataclasses of :mod:`delibe.reports.data` (through
:mod:`delibe.reports.adapters` wherever an adapter fits).

What a document shows of the jury:
- a decision the jury recorded is shown as decided;
- otherwise the engine's proposal is shown, marked provisional (« * »), to the staff only;
- a student sees the jury's decisions once the jury is closed (the semester locked: published), never a
  proposal — as on the « Mes résultats » page.

The department's settings of the documents (établissement, logo, signatory, jury president and
members…) are dated rows of the database, set on the department's « Réglages » page and read through
``selectors.department_settings`` (the settings in force at the jury's date for a closed jury).
"""

from delibe.web.services.documents.bulletin import bulletin_data, bulletins_of_run
from delibe.web.services.documents.common import (
    DocumentError,
    documents_dir,
    identite_of,
    jury_header,
    parcours_label,
    published,
)
from delibe.web.services.documents.diplome import (
    DiplomaInfo,
    attestation_data,
    diplomas_of,
    has_decision_letter,
    lettre_data,
    releve_data,
)
from delibe.web.services.documents.fiche import fiche_pdf
from delibe.web.services.documents.lot import run_documents
from delibe.web.services.documents.pv import pv_data

__all__ = [
    "DiplomaInfo",
    "DocumentError",
    "attestation_data",
    "bulletin_data",
    "bulletins_of_run",
    "diplomas_of",
    "documents_dir",
    "fiche_pdf",
    "has_decision_letter",
    "identite_of",
    "jury_header",
    "lettre_data",
    "parcours_label",
    "published",
    "pv_data",
    "releve_data",
    "run_documents",
]
