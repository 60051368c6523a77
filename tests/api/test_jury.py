"""The jury through the API: the proposals with their reasons (the same as the web's jury table), a
decision departing from the proposal needs a written reason, a closed jury refuses every change."""

from __future__ import annotations

import pytest

from tests.api.conftest import grade_whole_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(world):
    grade_whole_year(world, alice_average=12, bruno_average=8)
    return world


def _jury(api, world, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return api("president").get(f"/api/v1/semestres/{world.s2.pk}/jury?{query}").json()


def test_the_year_jury_shows_the_web_tables_proposals_with_their_reasons(api, graded):
    from delibe.web.selectors.semestres import jury_table

    body = _jury(api, graded)
    table = jury_table(graded.s2)
    assert body["jury_annuel"] is True and body["semestres"] == [graded.s1.pk, graded.s2.pk]
    assert body["ues"] == table.ue_headers and body["rcues"] == table.rcue_headers
    by_student = {line["etudiant"]["id"]: line for line in body["lignes"]}
    for row in table.rows:
        line = by_student[row.student.pk]
        assert [c["propose"] for c in line["ues"]] == [c.proposed for c in row.ues]
        assert line["annee"]["propose"] == row.annee.proposed
        assert line["annee"]["motifs"] and all(m["texte"] and m["source"] for m in line["annee"]["motifs"])
    assert by_student[graded.alice.pk]["annee"]["propose"] == "ADM"  # every RCUE at 12 ≥ 10
    assert by_student[graded.bruno.pk]["annee"]["propose"] != "ADM"  # every RCUE at 8 < 10


def test_the_jury_without_reasons_keeps_the_same_proposals(api, graded):
    full, light = _jury(api, graded), _jury(api, graded, motifs="false")
    assert [line["annee"]["propose"] for line in light["lignes"]] == [line["annee"]["propose"] for line in full["lignes"]]
    assert all(not line["annee"]["motifs"] for line in light["lignes"])


def test_a_decision_departing_from_the_proposal_without_a_reason_is_refused(api, graded):
    from delibe.web.models import JuryDecision

    url = f"/api/v1/semestres/{graded.s2.pk}/jury/decisions"
    response = api("president").post(url, {"etudiant": graded.bruno.pk, "niveau": "annee", "objet": "BUT1",
                                           "code": "ADJ"})
    assert response.status_code == 422 and "motif" in response.json()["detail"]
    assert not JuryDecision.objects.exists()


def test_a_departure_with_its_reason_is_recorded_and_audited_as_api(api, graded):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import JuryDecision

    url = f"/api/v1/semestres/{graded.s2.pk}/jury/decisions"
    proposed = next(line for line in _jury(api, graded)["lignes"] if line["etudiant"]["id"] == graded.bruno.pk)
    response = api("president").post(url, {"etudiant": graded.bruno.pk, "niveau": "annee", "objet": "BUT1",
                                           "code": "ADJ", "motif": "Maladie longue durée attestée."})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code_propose"], body["code_decide"]) == (proposed["annee"]["propose"], "ADJ")
    assert body["motif_jury"] == "Maladie longue durée attestée."
    decision = JuryDecision.objects.get(student=graded.bruno, level="annee")
    assert decision.departs_from_proposal and decision.author == graded.users["president"]
    assert AuditEntry.objects.filter(object_type="decision").values_list("channel", flat=True).get() == "api"
    after = next(line for line in _jury(api, graded)["lignes"] if line["etudiant"]["id"] == graded.bruno.pk)
    assert (after["annee"]["decide"], after["annee"]["ecart"]) == ("ADJ", True)


def test_following_the_proposal_needs_no_reason_and_an_unknown_code_is_refused(api, graded):
    url = f"/api/v1/semestres/{graded.s2.pk}/jury/decisions"
    president = api("president")
    assert president.post(url, {"etudiant": graded.alice.pk, "niveau": "annee", "objet": "BUT1",
                                "code": "ADM"}).status_code == 201
    unknown = president.post(url, {"etudiant": graded.alice.pk, "niveau": "annee", "objet": "BUT1", "code": "ZZZ"})
    assert unknown.status_code == 422 and "n'est pas un code possible" in unknown.json()["detail"]
    no_object = president.post(url, {"etudiant": graded.alice.pk, "niveau": "ue", "objet": "UE9.9", "code": "ADM"})
    assert no_object.status_code == 422


def test_a_closed_jury_refuses_decisions_and_grades_with_409(api, graded):
    from delibe.web.models import Evaluation, JuryDecision

    president = api("president")
    closed = president.post(f"/api/v1/semestres/{graded.s2.pk}/jury/cloture")
    assert closed.status_code == 200 and closed.json() == {"semestres": [graded.s1.pk, graded.s2.pk], "verrouille": True}
    recorded = JuryDecision.objects.count()
    assert recorded > 0  # the remaining proposals were recorded when closing
    refused = president.post(f"/api/v1/semestres/{graded.s2.pk}/jury/decisions", {
        "etudiant": graded.bruno.pk, "niveau": "annee", "objet": "BUT1", "code": "ADJ", "motif": "trop tard"})
    assert refused.status_code == 409 and "verrouillé" in refused.json()["detail"]
    assert JuryDecision.objects.count() == recorded
    evaluation = Evaluation.objects.filter(semester=graded.s1).first()
    grade = api("scolarite").put(f"/api/v1/evaluations/{evaluation.pk}/notes/{graded.alice.pk}",
                                 {"valeur": 20, "version": 1})
    assert grade.status_code == 409
    assert president.post(f"/api/v1/semestres/{graded.s2.pk}/jury/cloture").status_code == 409
    assert _jury(api, graded)["verrouille"] is True


def test_confirming_the_proposals_records_one_decision_per_undecided_object(api, graded):
    from delibe.web.models import JuryDecision

    response = api("scolarite").post(f"/api/v1/semestres/{graded.s2.pk}/jury/propositions")
    assert response.status_code == 200
    assert response.json()["enregistrees"] == JuryDecision.objects.count() > 0
    assert api("scolarite").post(f"/api/v1/semestres/{graded.s2.pk}/jury/propositions").json() == {"enregistrees": 0}


def test_the_jury_answer_is_the_json_ninjas_own_path_writes_for_the_same_data(api, graded, monkeypatch):
    """The jury's answer is written by pydantic (``common.validated_json``), not by ninja's renderer: the
    same content in the same order, with or without the reasons, and the API's content type."""
    from delibe.api.endpoints import jury as endpoint

    url = f"/api/v1/semestres/{graded.s2.pk}/jury"
    fast = [api("president").get(url + query) for query in ("", "?motifs=false")]
    monkeypatch.setattr(endpoint, "validated_json", lambda _schema, answer: answer)  # ninja validates and writes
    slow = [api("president").get(url + query) for query in ("", "?motifs=false")]
    for new, old in zip(fast, slow, strict=True):
        assert new.status_code == old.status_code == 200
        assert new["Content-Type"] == old["Content-Type"]
        assert list(new.json().items()) == list(old.json().items())
    assert fast[0].json()["lignes"][0]["annee"]["motifs"]


def test_an_answer_its_schema_refuses_is_not_written():
    from pydantic import ValidationError

    from delibe.api.endpoints.common import validated_json
    from delibe.api.schemas import EtudiantResume

    student = {"id": 1, "nip": "1001", "civilite": "Mme", "nom": "Éloïse", "prenom": "Zoé", "departement": "mmi"}
    response = validated_json(EtudiantResume, student)
    assert response.content.decode("utf-8") == ('{"id":1,"nip":"1001","civilite":"Mme","nom":"Éloïse",'
                                                '"prenom":"Zoé","departement":"mmi"}')  # UTF-8, not escaped
    with pytest.raises(ValidationError):
        validated_json(EtudiantResume, {**student, "id": "pas un nombre"})
