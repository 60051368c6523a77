"""Publication to the students (issue 14, item 6): per semester, the responsable decides whether students
see their grades (all, evaluation by evaluation, none), their averages and their ranks before the jury;
what is held back reads « en attente de publication » on the student's page, the bulletin (web, JSON) and
the API, which follow the same rule; without a setting, everything is published as before."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(world):
    from delibe.web.models import Evaluation, Grade

    world.second = Evaluation.objects.create(semester=world.s1, module_code="R1.01", titre="Oral", note_max=20)
    for evaluation, alice, bruno in ((world.taught, "13.75", "8"), (world.second, "17.25", "9")):
        Grade.objects.create(evaluation=evaluation, student=world.alice, value=Decimal(alice))
        Grade.objects.create(evaluation=evaluation, student=world.bruno, value=Decimal(bruno))
    return world


def publish(world, **settings):
    from delibe.web.services.publication import set_publication

    fields = {"notes": "toutes", "moyennes": True, "rangs": True}
    fields.update(settings)
    return set_publication(user=world.users["responsable"], run=world.s1, **fields)


def own_page(login) -> str:
    return login("etudiant").get("/mes-resultats/").content.decode()


def test_without_a_setting_the_student_sees_grades_and_averages_as_before(graded, login):
    html = own_page(login)
    assert "13,75" in html and "17,25" in html and "en attente de publication" not in html


def test_grades_held_back_read_pending_on_the_students_page(graded, login):
    publish(graded, notes="aucune", moyennes=False)
    html = own_page(login)
    assert "13,75" not in html and "17,25" not in html
    assert html.count("en attente de publication") >= 2 and "Moyennes en attente de publication" in html


def test_grades_published_evaluation_by_evaluation(graded, login):
    publish(graded, notes="evaluations", evaluations={graded.second.pk})
    html = own_page(login)
    assert "17,25" in html and "13,75" not in html and "en attente de publication" in html


def test_averages_held_back_while_grades_are_shown(graded, login):
    from delibe.web.services.calcul import compute_run

    publish(graded, moyennes=False)
    average = compute_run(graded.s1).module_average(graded.alice.pk, "R1.01", "UE1.2")
    assert average == pytest.approx(15.5)
    html = own_page(login)
    assert "13,75" in html and "15,50" not in html and "Moyennes en attente de publication" in html


def test_closing_the_jury_shows_grades_and_averages_to_the_student(graded, login):
    from tests.web.conftest import close_jury

    publish(graded, notes="aucune", moyennes=False)
    close_jury(graded, graded.s1)
    graded.s1.refresh_from_db()
    html = own_page(login)
    assert "13,75" in html and "15,50" in html


def test_the_students_bulletin_follows_the_same_rule_and_staff_see_everything(graded, login):
    from delibe.web.services.documents import bulletin_data

    publish(graded, notes="evaluations", moyennes=False, rangs=False, evaluations={graded.second.pk})
    mine = bulletin_data(graded.alice, graded.s1, for_student=True)
    r101 = next(m for m in mine.modules if m.code == "R1.01")
    assert [e.description for e in r101.evaluations] == ["Oral"] and r101.moyenne is None
    assert all(u.moyenne is None and u.rang is None for u in mine.ues) and not mine.config.afficher_rangs
    assert "Notes de 2 évaluation(s) en attente de publication." in mine.messages  # Contrôle of R1.01 and R1.02
    assert "Moyennes en attente de publication." in mine.messages
    staff = bulletin_data(graded.alice, graded.s1)
    assert len(next(m for m in staff.modules if m.code == "R1.01").evaluations) == 2
    assert next(u for u in staff.ues if u.code == "UE1.2").moyenne == pytest.approx(15.5)


def test_the_api_gives_the_student_the_same_bulletin(graded, client):
    from delibe.api.tokens import create_token

    publish(graded, notes="aucune", moyennes=False, rangs=False)
    token = create_token(username="etudiant", name="test")[1]
    body = ApiClient(client, token).get(f"/api/v1/etudiants/{graded.alice.pk}/bulletins/{graded.s1.pk}").json()
    text = str(body)
    assert "13.75" not in text and "17.25" not in text
    assert "Moyennes en attente de publication." in text
    staff = ApiClient(client, create_token(username="scolarite", name="t")[1]).get(
        f"/api/v1/etudiants/{graded.alice.pk}/bulletins/{graded.s1.pk}").json()
    assert "13.75" in str(staff)


def test_the_settings_page_records_the_choice_and_the_journal_keeps_it(graded, login):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Evaluation, Publication

    client = login("responsable")
    assert client.get(f"/semestres/{graded.s1.pk}/publication/").status_code == 200
    response = client.post(f"/semestres/{graded.s1.pk}/publication/", {
        "notes": "evaluations", "evaluations": [str(graded.taught.pk)], "rangs": "on"})
    assert response.status_code == 302
    row = Publication.objects.get(semester=graded.s1)
    assert (row.notes, row.moyennes, row.rangs) == ("evaluations", False, True)
    assert set(Evaluation.objects.filter(publiee=True).values_list("pk", flat=True)) == {graded.taught.pk}
    entry = AuditEntry.objects.get(object_type="semester", action="update")
    assert entry.new["publication"]["evaluations_publiees"] == [graded.taught.pk]
    refused = client.post(f"/semestres/{graded.s1.pk}/publication/", {"notes": "n-importe"})
    assert refused.status_code == 400 and "Choix inconnu" in refused.content.decode()


@pytest.mark.parametrize("role, status", [("scolarite", 200), ("responsable", 200), ("president", 403),
                                          ("enseignant", 403), ("etudiant", 404), ("autre", 404)])
def test_who_sets_the_publication(graded, login, role, status):
    assert login(role).get(f"/semestres/{graded.s1.pk}/publication/").status_code == status
