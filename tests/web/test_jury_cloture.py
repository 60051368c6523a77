"""Closing a jury safely (issue 14, item 1): the checklist of what blocks — incomplete evaluations, grades
still ATT, students without a decision nor a proposal, decisions departing from the proposal without a
reason — each item with the page where it is fixed; closing refused while one remains unless the
président writes a reason per item (kept in the journal); the same checklist from the web, the API and
the CLI; whoever may lock may reopen."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from tests.api.conftest import ApiClient
from tests.web.conftest import grade_whole_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(world):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    return world


@pytest.fixture
def blocked(graded):
    """One item of each kind: an S1 evaluation Bravo has no grade in, an S2 grade of Bravo's set to ATT (so
    Bravo has no proposal for his S2 UEs nor the year), Alpha's year decision recorded as the proposal
    (ADM) then her grades lowered so that the proposal moved: ADM stays, without a reason."""
    from django.db.models import F

    from delibe.web.models import Evaluation, Grade
    from delibe.web.services import jury as jury_service

    w = graded
    missing = Evaluation.objects.create(semester=w.s1, module_code="R1.01", titre="Oubliée", note_max=20)
    Grade.objects.create(evaluation=missing, student=w.alice, value=Decimal(12))
    pending = Evaluation.objects.filter(semester=w.s2).order_by("id").first()
    # (the version moves as a service's save moves it: the averages' cache sees the change)
    Grade.objects.filter(evaluation=pending, student=w.bruno).update(value=None, special="ATT", version=F("version") + 1)
    jury_service.record_decision(user=w.users["president"], run=w.s2, student=w.alice, level="annee", key="BUT1",
                                 code="ADM")
    Grade.objects.filter(student=w.alice).exclude(evaluation=missing).update(value=Decimal(5),
                                                                             version=F("version") + 1)
    w.missing, w.pending = missing, pending
    return w


def checklist_of(run):
    from delibe.web.selectors.cloture import jury_checklist

    return jury_checklist(run)


def test_a_year_fully_graded_with_every_proposal_has_nothing_blocking(graded):
    checklist = checklist_of(graded.s2)
    assert not checklist.blocking and checklist.items == []
    assert [r.pk for r in checklist.runs] == [graded.s1.pk, graded.s2.pk]


def test_each_kind_of_blocking_item_is_listed_with_the_page_where_it_is_fixed(blocked):
    w = blocked
    items = {item.key: item for item in checklist_of(w.s2).items}
    assert set(items) == {f"evaluation-{w.missing.pk}", f"attente-{w.pending.pk}", f"sans-decision-{w.bruno.pk}",
                          f"ecart-{w.alice.pk}-annee-BUT1"}
    incomplete = items[f"evaluation-{w.missing.pk}"]
    assert incomplete.url == f"/evaluations/{w.missing.pk}/saisie/" and "1/2 notes saisies" in incomplete.label
    pending = items[f"attente-{w.pending.pk}"]
    assert pending.url == f"/evaluations/{w.pending.pk}/saisie/" and "BRAVO Test" in pending.label
    undecided = items[f"sans-decision-{w.bruno.pk}"]
    assert undecided.url == f"/semestres/{w.s2.pk}/jury/etudiants/{w.bruno.pk}/" and "BUT1" in undecided.label
    departure = items[f"ecart-{w.alice.pk}-annee-BUT1"]
    assert "décision ADM" in departure.label and "sans motif" in departure.label
    assert [kind for kind, _, _ in checklist_of(w.s2).by_kind()] == ["evaluation", "attente", "sans-decision", "ecart"]


def test_an_immediate_evaluation_with_missing_grades_does_not_block(graded):
    from delibe.web.models import Evaluation

    Evaluation.objects.create(semester=graded.s1, module_code="R1.01", titre="Immédiate", immediate=True)
    assert not checklist_of(graded.s2).blocking


def test_closing_is_refused_while_an_item_remains_and_nothing_is_written(blocked):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import JuryDecision, SemesterRun
    from delibe.web.services import jury as jury_service

    decisions = JuryDecision.objects.count()
    items = checklist_of(blocked.s2).items
    # a reason for every item but one: still refused, and the refusal names the one left
    motifs = {item.key: "Le jury passe outre" for item in items[1:]}
    with pytest.raises(jury_service.ChecklistBlocked) as refused:
        jury_service.lock_jury(user=blocked.users["president"], run=blocked.s2, motifs=motifs)
    assert [i.key for i in refused.value.missing] == [items[0].key]
    assert "ne peut pas être clos" in str(refused.value)
    assert not SemesterRun.objects.filter(locked=True).exists()
    assert JuryDecision.objects.count() == decisions
    assert not AuditEntry.objects.filter(action="lock").exists()


def test_a_reason_of_a_few_letters_is_not_a_reason(blocked):
    from delibe.web.services import jury as jury_service

    with pytest.raises(jury_service.ChecklistBlocked):
        jury_service.lock_jury(user=blocked.users["president"], run=blocked.s2,
                               motifs={item.key: " ok " for item in checklist_of(blocked.s2).items})


def test_the_president_closes_over_every_item_with_a_reason_each_kept_in_the_journal(blocked):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.services import jury as jury_service

    w = blocked
    items = checklist_of(w.s2).items
    motifs = {item.key: f"Décision du jury pour {item.key}" for item in items}
    jury_service.lock_jury(user=w.users["president"], run=w.s2, motifs=motifs)
    for run in (w.s1, w.s2):
        run.refresh_from_db()
        assert run.locked
    locks = list(AuditEntry.objects.filter(action="lock"))
    assert {e.semester_id for e in locks} == {w.s1.pk, w.s2.pk}
    for entry in locks:
        assert set(entry.new["points_bloquants"]) == set(motifs)
        assert all(entry.new["points_bloquants"][k]["motif"] == v for k, v in motifs.items())
        assert f"Décision du jury pour evaluation-{w.missing.pk}" in entry.reason


def test_the_scolarite_closes_a_clean_jury_but_not_over_blocking_items(graded, blocked):
    from delibe.web.services import jury as jury_service

    motifs = {item.key: "La scolarité passe outre" for item in checklist_of(blocked.s2).items}
    with pytest.raises(jury_service.ChecklistBlocked, match="Seul le président"):
        jury_service.lock_jury(user=blocked.users["scolarite"], run=blocked.s2, motifs=motifs)


def test_the_scolarite_closes_a_jury_without_blocking_item(graded):
    from delibe.web.services import jury as jury_service

    jury_service.lock_jury(user=graded.users["scolarite"], run=graded.s2)
    graded.s2.refresh_from_db()
    assert graded.s2.locked


# --- the web page ------------------------------------------------------------------------------------

def test_the_jury_page_leads_to_the_checklist_instead_of_closing_in_one_click(graded, login):
    html = login("president").get(f"/semestres/{graded.s2.pk}/jury/").content.decode()
    assert f'href="/semestres/{graded.s2.pk}/jury/cloture/" id="clore-jury"' in html
    assert f'action="/semestres/{graded.s2.pk}/jury/cloture/"' not in html


def test_the_checklist_page_lists_each_item_with_its_link_and_a_reason_field_for_the_president(blocked, login):
    w = blocked
    html = login("president").get(f"/semestres/{w.s2.pk}/jury/cloture/").content.decode()
    assert "4 points bloquants" in html
    for item in checklist_of(w.s2).items:
        assert f'href="{item.url}"' in html and f'id="motif-{item.key}"' in html
    assert 'id="confirmer-cloture"' in html
    scolarite = login("scolarite").get(f"/semestres/{w.s2.pk}/jury/cloture/").content.decode()
    assert "motif-evaluation" not in scolarite and 'id="confirmer-cloture"' not in scolarite
    assert "seul le président du jury peut clore" in scolarite


def test_posting_without_the_reasons_answers_the_page_with_the_items_left_marked(blocked, login):
    w = blocked
    client = login("president")
    first = checklist_of(w.s2).items[0]
    response = client.post(f"/semestres/{w.s2.pk}/jury/cloture/", {f"motif-{first.key}": "Motif écrit ici"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="erreur-cloture"' in html and "3 point(s) bloquant(s)" in html
    assert "Motif écrit ici" in html  # what was written comes back
    assert f'id="motif-{first.key}" name="motif-{first.key}" rows="2" minlength="5">' in html  # not marked
    w.s2.refresh_from_db()
    assert not w.s2.locked


def test_posting_a_reason_for_every_item_closes_and_returns_to_the_jury(blocked, login):
    w = blocked
    data = {f"motif-{item.key}": "Le jury décide de clore" for item in checklist_of(w.s2).items}
    response = login("president").post(f"/semestres/{w.s2.pk}/jury/cloture/", data)
    assert response.status_code == 302 and response["Location"] == f"/semestres/{w.s2.pk}/jury/"
    w.s2.refresh_from_db()
    assert w.s2.locked


def test_a_clean_jury_closes_from_the_page_and_the_scolarite_then_sees_how_to_reopen(graded, login):
    client = login("scolarite")
    page = client.get(f"/semestres/{graded.s2.pk}/jury/cloture/").content.decode()
    assert 'id="aucun-point-bloquant"' in page
    assert client.post(f"/semestres/{graded.s2.pk}/jury/cloture/").status_code == 302
    html = client.get(f"/semestres/{graded.s2.pk}/jury/").content.decode()
    assert f'href="/journal/semestres/{graded.s2.pk}/reouvrir/" id="rouvrir-jury"' in html
    reopen = client.post(f"/journal/semestres/{graded.s2.pk}/reouvrir/", {"motif": "Erreur de note en R1.01"})
    assert reopen.status_code == 302
    graded.s2.refresh_from_db()
    assert not graded.s2.locked


def test_the_forbidden_page_says_why(graded, login):
    html = login("responsable").get(f"/semestres/{graded.s2.pk}/jury/cloture/").content.decode()
    assert "Seuls la scolarité et le président du jury closent le jury." in html
    assert "Adressez-vous à la scolarité" not in html


# --- the API and the CLI give the same list -------------------------------------------------------------

@pytest.fixture
def api(client, world):
    from delibe.api.tokens import create_token

    def as_(username: str) -> ApiClient:
        return ApiClient(client, create_token(username=username, name="test")[1])
    return as_


def test_the_api_gives_the_same_checklist_as_the_page(blocked, api):
    body = api("president").get(f"/api/v1/semestres/{blocked.s2.pk}/jury/checklist").json()
    items = checklist_of(blocked.s2).items
    assert body["bloquant"] is True and body["semestres"] == [blocked.s1.pk, blocked.s2.pk]
    assert [p["cle"] for p in body["points"]] == [i.key for i in items]
    assert [p["lien"] for p in body["points"]] == [i.url for i in items]
    assert body["effectifs"] == {"evaluation": 1, "attente": 1, "sans-decision": 1, "ecart": 1}
    assert api("enseignant").get(f"/api/v1/semestres/{blocked.s2.pk}/jury/checklist").status_code == 403


def test_the_api_refuses_to_close_with_the_items_left_then_closes_with_a_reason_each(blocked, api):
    president = api("president")
    url = f"/api/v1/semestres/{blocked.s2.pk}/jury/cloture"
    refused = president.post(url)
    assert refused.status_code == 409 and len(refused.json()["points"]) == 4
    assert "ne peut pas être clos" in refused.json()["detail"]
    motifs = {item.key: "Motif du président" for item in checklist_of(blocked.s2).items}
    closed = president.post(url, {"motifs": motifs})
    assert closed.status_code == 200 and closed.json()["verrouille"] is True


def test_the_cli_prints_the_checklist_and_fails_while_an_item_remains(blocked, api):
    from delibe.cli.jury import jury

    result = CliRunner().invoke(jury, ["checklist", "--semestre", str(blocked.s2.pk)])
    assert result.exit_code == 1, result.output
    assert "Évaluations incomplètes (1)" in result.output and "Notes en attente (ATT) (1)" in result.output
    assert f"/evaluations/{blocked.missing.pk}/saisie/" in result.output
    as_json = CliRunner().invoke(jury, ["checklist", "--semestre", str(blocked.s2.pk), "--json"])
    from_api = api("president").get(f"/api/v1/semestres/{blocked.s2.pk}/jury/checklist").json()
    assert json.loads(as_json.output) == from_api


def test_the_cli_says_a_clean_jury_may_close_and_exits_0(graded):
    from delibe.cli.jury import jury

    result = CliRunner().invoke(jury, ["checklist", "--semestre", str(graded.s2.pk)])
    assert result.exit_code == 0 and "Aucun point bloquant" in result.output


def test_the_cli_refuses_an_unknown_semester_in_french(graded):
    from delibe.cli.jury import jury

    result = CliRunner().invoke(jury, ["checklist", "--semestre", "99999"])
    assert result.exit_code == 2 and "aucun semestre n° 99999" in result.output
