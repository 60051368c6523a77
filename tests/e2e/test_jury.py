"""The jury in the browser: the table of the year, each proposal explained on demand, a departure from the
proposal only with a written reason, and a closed jury whose forms are read-only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import grade_whole_year


@pytest.fixture
def jury(world, open_as):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    page = open_as("president")
    page.goto(f"/semestres/{world.s2.pk}/jury/")
    return page


def year_decision(world, student):
    from delibe.web.models import JuryDecision

    return JuryDecision.objects.filter(student=student, academic_year=world.year, level="annee").first()


def test_the_jury_table_lists_the_students_with_their_proposed_year_codes(world, jury):
    table = jury.locator("#table-jury")
    expect(table.locator("caption")).to_have_text("2 étudiants")
    expect(table.locator(f"#jury-{world.alice.pk} th[scope=row]")).to_have_text("ALPHA Test")
    expect(table.locator(f"#jury-{world.bruno.pk} th[scope=row]")).to_have_text("BRAVO Test")
    expect(table.locator(f"#jury-{world.alice.pk}")).to_contain_text("ADM")
    expect(table.locator(f"#jury-{world.bruno.pk}")).not_to_contain_text("ADM")


def test_the_reasons_of_a_proposal_are_loaded_when_asked_for_with_the_keyboard(world, jury):
    row = jury.locator(f"#jury-{world.bruno.pk}")
    body = row.locator(".reasons-body")
    expect(body.locator("dl.reasons-list")).to_have_count(0)  # not in the page until asked for
    row.locator("details.row-reasons summary").focus()
    jury.keyboard.press("Enter")  # a <summary>: opened with the keyboard as with the mouse
    expect(body.locator("dl.reasons-list")).to_be_visible()
    expect(body).to_contain_text("Arrêté du 15 avril 2022")
    expect(body.locator("dt")).to_have_count(16)


def test_a_decision_departing_from_the_proposal_needs_a_reason(world, jury):
    jury.locator(f"#jury-{world.bruno.pk} a", has_text="Décisions").click()
    year = jury.locator("select[id^='code-annee-']")
    proposed = year.input_value()
    assert proposed and proposed != "ADJ"
    year.select_option("ADJ")
    jury.locator("#enregistrer-decisions").click()
    errors = jury.locator("#erreurs-jury")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text(f"{proposed} → ADJ")
    expect(errors).to_contain_text("Écrivez le motif")
    motif = jury.locator("textarea[id^='motif-annee-']")
    expect(motif).to_have_attribute("aria-invalid", "true")
    assert year_decision(world, world.bruno) is None

    year.select_option("ADJ")
    motif.fill("Progression régulière, assiduité exemplaire en entreprise.")
    jury.locator("#enregistrer-decisions").click()
    expect(jury.locator("#table-jury")).to_be_visible()
    expect(jury.get_by_role("status").first).to_contain_text("décision(s) enregistrée(s) pour")
    decision = year_decision(world, world.bruno)
    assert (decision.proposed_code, decision.decided_code) == (proposed, "ADJ")
    assert decision.departure_reason.startswith("Progression régulière")


def test_a_closed_jury_shows_every_decision_form_read_only(world, jury):
    jury.locator("#clore-jury").click()  # the checklist first (nothing blocks here), then the confirmation
    expect(jury.locator("#aucun-point-bloquant")).to_be_visible()
    jury.locator("#confirmer-cloture").click()
    expect(jury.locator("#jury-verrouille")).to_be_visible()
    expect(jury.locator("#clore-jury")).to_have_count(0)
    expect(jury.locator("#enregistrer-propositions")).to_have_count(0)
    assert year_decision(world, world.alice).decided_code == "ADM"  # the proposals became decisions

    jury.locator(f"#jury-{world.bruno.pk} a", has_text="Détail").click()
    form = jury.locator("#form-decisions")
    expect(form).to_be_visible()
    selects, motifs = form.locator("select"), form.locator("textarea")
    assert selects.count() == 16 and motifs.count() == 16
    for i in range(selects.count()):
        expect(selects.nth(i)).to_be_disabled()
        expect(motifs.nth(i)).to_be_disabled()
    expect(jury.locator("#enregistrer-decisions")).to_have_count(0)

    evaluation = world.s2.evaluations.first()  # the grades of the year are locked too
    jury.goto(f"/evaluations/{evaluation.pk}/saisie/")
    expect(jury.locator("main")).to_contain_text("Le semestre est verrouillé")
    cell = jury.locator(f"#note-{world.bruno.pk}")
    expect(cell).not_to_be_editable()
    expect(cell).to_have_value("9")


def test_an_rcue_validated_by_the_jury_shows_its_consequences_before_anything_is_saved(world, jury, axe):
    from delibe.web.models import JuryDecision

    jury.locator(f"#jury-{world.bruno.pk} a", has_text="Décisions").click()
    rcue = jury.locator("select[id^='code-rcue-']").first
    key = (rcue.get_attribute("id") or "").removeprefix("code-rcue-")
    assert rcue.input_value() == "AJ"
    rcue.select_option("ADJ")
    jury.locator(f"#motif-rcue-{key}").fill("Progression remarquable au second semestre")
    jury.locator("#apercu-decisions").click()
    consequences = jury.locator("#consequences")
    expect(consequences).to_contain_text("Conséquences, avant enregistrement")
    expect(consequences).to_contain_text(f"{key} : AJ → ADJ")
    expect(consequences).to_contain_text("→ ADJR")  # the RCUE's UEs follow it, shown before saving
    expect(jury.locator(f"#code-rcue-{key}")).to_have_value("ADJ")  # the choice stays in the form
    assert not JuryDecision.objects.filter(student=world.bruno).exists()
    assert axe(jury) == []
