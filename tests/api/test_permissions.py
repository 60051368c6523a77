"""The API applies the web's permissions: departments isolated (another department's objects are not
found), a student sees only themself, an enseignant reads and writes only the grades of the modules they
teach, the jury is read by scolarité/responsable/président and decided by scolarité/président."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_another_departments_objects_are_not_found(api, world):
    other = api("autre")  # scolarité of the other department
    for url in (f"/api/v1/semestres/{world.s1.pk}", f"/api/v1/semestres/{world.s1.pk}/etudiants",
                f"/api/v1/semestres/{world.s1.pk}/jury", f"/api/v1/evaluations/{world.taught.pk}/notes",
                f"/api/v1/etudiants/{world.alice.pk}", f"/api/v1/etudiants/{world.alice.pk}/bulletins/{world.s1.pk}",
                f"/api/v1/formations/{world.version.pk}"):
        response = other.get(url)
        assert response.status_code == 404, url
        assert "Introuvable" in response.json()["detail"]
    write = other.put(f"/api/v1/evaluations/{world.taught.pk}/notes/{world.alice.pk}", {"valeur": "1", "version": 0})
    assert write.status_code == 404


def test_lists_show_only_the_callers_department(api, world):
    scolarite = api("scolarite")
    assert {f["departement"] for f in scolarite.get("/api/v1/formations").json()} == {"mmi"}
    assert {s["id"] for s in scolarite.get("/api/v1/semestres").json()} == {world.s1.pk, world.s2.pk}
    students = scolarite.get("/api/v1/etudiants").json()
    assert {s["id"] for s in students["items"]} == {world.alice.pk, world.bruno.pk}


def test_a_student_sees_only_themself(api, world):
    etudiant = api("etudiant")  # Alice
    listed = etudiant.get("/api/v1/etudiants").json()
    assert [s["id"] for s in listed["items"]] == [world.alice.pk]
    assert etudiant.get(f"/api/v1/etudiants/{world.alice.pk}").status_code == 200
    assert etudiant.get(f"/api/v1/etudiants/{world.alice.pk}/bulletins/{world.s1.pk}").status_code == 200
    assert etudiant.get(f"/api/v1/etudiants/{world.bruno.pk}").status_code == 404
    assert etudiant.get(f"/api/v1/etudiants/{world.bruno.pk}/bulletins/{world.s1.pk}").status_code == 404
    assert etudiant.get(f"/api/v1/etudiants/{world.other_student.pk}").status_code == 404
    assert etudiant.get(f"/api/v1/semestres/{world.s1.pk}").status_code == 404
    assert etudiant.get(f"/api/v1/evaluations/{world.taught.pk}/notes").status_code == 404
    assert etudiant.get("/api/v1/formations").json() == []


def test_a_student_bulletin_never_shows_a_proposal_before_the_jury_is_closed(api, world):
    from tests.api.conftest import grade_whole_year

    grade_whole_year(world, 12, 8)
    own = api("etudiant").get(f"/api/v1/etudiants/{world.alice.pk}/bulletins/{world.s1.pk}").json()
    staff = api("scolarite").get(f"/api/v1/etudiants/{world.alice.pk}/bulletins/{world.s1.pk}").json()
    assert all(ue["decision"] is None for ue in own["ues"].values())
    assert any(ue["decision"] is not None and ue["decision"]["provisoire"] for ue in staff["ues"].values())


def test_bulletin_json_matches_the_bulletin_schema(api, world):
    import jsonschema

    from delibe.reports import bulletin
    from tests.api.conftest import grade_whole_year

    grade_whole_year(world, 12, 8)
    document = api("scolarite").get(f"/api/v1/etudiants/{world.bruno.pk}/bulletins/{world.s2.pk}").json()
    jsonschema.validate(document, bulletin.schema())
    assert document["etudiant"]["numero"] == world.bruno.nip


def test_a_bulletin_of_a_semester_the_student_did_not_take_is_not_found(api, world):
    response = api("scolarite").get(f"/api/v1/etudiants/{world.alice.pk}/bulletins/{world.other_run.pk}")
    assert response.status_code == 404


def test_an_enseignant_reads_and_writes_only_the_grades_of_the_module_they_teach(api, world):
    enseignant = api("enseignant")
    evaluations = enseignant.get(f"/api/v1/semestres/{world.s1.pk}/evaluations").json()
    assert [e["id"] for e in evaluations] == [world.taught.pk]
    assert enseignant.get(f"/api/v1/evaluations/{world.taught.pk}/notes").status_code == 200
    assert enseignant.get(f"/api/v1/evaluations/{world.untaught.pk}/notes").status_code == 403
    ok = enseignant.put(f"/api/v1/evaluations/{world.taught.pk}/notes/{world.alice.pk}", {"valeur": 14, "version": 0})
    assert ok.status_code == 200 and ok.json() == {"etudiant": world.alice.pk, "valeur": "14", "version": 1}
    refused = enseignant.put(f"/api/v1/evaluations/{world.untaught.pk}/notes/{world.alice.pk}",
                             {"valeur": 14, "version": 0})
    assert refused.status_code == 403 and "scolarité" in refused.json()["detail"]
    batch = enseignant.post(f"/api/v1/evaluations/{world.untaught.pk}/notes",
                            {"notes": [{"etudiant": world.alice.pk, "valeur": 1, "version": 0}]})
    assert batch.status_code == 403
    assert enseignant.get(f"/api/v1/semestres/{world.s2.pk}").status_code == 403  # teaches nothing in S2


def test_an_enseignant_creates_evaluations_only_in_their_module(api, world):
    enseignant = api("enseignant")
    url = f"/api/v1/semestres/{world.s1.pk}/evaluations"
    created = enseignant.post(url, {"module": "R1.01", "titre": "Oral", "coefficient": 2})
    assert created.status_code == 201 and created.json()["module"] == "R1.01"
    assert enseignant.post(url, {"module": "R1.02", "titre": "Oral"}).status_code == 403


def test_the_jury_is_read_by_its_readers_only_and_decided_by_scolarite_and_president(api, world):
    url = f"/api/v1/semestres/{world.s2.pk}/jury"
    for reader in ("scolarite", "responsable", "president", "admin"):
        assert api(reader).get(url).status_code == 200, reader
    assert api("enseignant").get(url).status_code == 403  # same department, not a jury reader
    assert api("etudiant").get(url).status_code == 404
    decision = {"etudiant": world.alice.pk, "niveau": "annee", "objet": "BUT1", "code": "RED"}
    refused = api("responsable").post(f"{url}/decisions", decision)
    assert refused.status_code == 403 and "président" in refused.json()["detail"]
    assert api("enseignant").post(f"{url}/decisions", decision).status_code == 403


def test_a_decision_for_another_departments_student_is_not_found(api, world):
    response = api("scolarite").post(f"/api/v1/semestres/{world.s2.pk}/jury/decisions", {
        "etudiant": world.other_student.pk, "niveau": "annee", "objet": "BUT1", "code": "RED", "motif": "x"})
    assert response.status_code == 404


def test_an_enseignant_does_not_read_student_records_or_the_student_list(api, world):
    enseignant = api("enseignant")
    assert enseignant.get("/api/v1/etudiants").json() == {"total": 0, "items": []}
    assert enseignant.get(f"/api/v1/etudiants/{world.alice.pk}").status_code == 403
    assert enseignant.get(f"/api/v1/etudiants/{world.alice.pk}/bulletins/{world.s1.pk}").status_code == 403
    # but the students of a semester where they teach, as on their grade grid
    listed = enseignant.get(f"/api/v1/semestres/{world.s1.pk}/etudiants").json()
    assert {s["id"] for s in listed} == {world.alice.pk, world.bruno.pk}


def test_a_student_record_carries_the_civilite_stored_by_the_import(api, world):
    world.alice.civilite = "Mme"
    world.alice.save(update_fields=["civilite"])
    record = api("scolarite").get(f"/api/v1/etudiants/{world.alice.pk}").json()
    assert (record["civilite"], record["nip"]) == ("Mme", world.alice.nip)
