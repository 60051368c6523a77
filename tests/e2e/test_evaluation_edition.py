"""Fixing an evaluation in the browser (issue 14, item 3): the teacher changes the coefficient and the date
from the grid, sees only the weights of the UEs the module feeds, fills the empty cells with ABS, reads
the statistics, then deletes an evaluation that has grades — refused without a reason, done with one.
Every page passes axe."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect


def test_a_teacher_edits_fills_and_deletes_an_evaluation_from_its_grid(world, open_as, axe):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Evaluation, Grade

    Grade.objects.create(evaluation=world.taught, student=world.alice, value=Decimal(15))
    page = open_as("enseignant")
    page.goto(f"/evaluations/{world.taught.pk}/saisie/")
    expect(page.locator("#stat-moyenne")).to_have_text("15,00")
    assert axe(page) == []

    page.locator("#modifier-evaluation").click()
    form = page.locator("#form-evaluation")
    expect(form.locator(".poids-ue")).to_have_count(3)  # R1.01 feeds UE1.2, UE1.3, UE1.5 — not five UEs
    form.get_by_label("Coefficient").fill("2")
    form.get_by_label("Date").fill("2023-11-06")
    form.get_by_label("Poids vers UE1.3").fill("0,5")
    assert axe(page) == []
    page.locator("#enregistrer-evaluation").click()
    expect(page.get_by_role("status").first).to_contain_text("Évaluation modifiée.")
    world.taught.refresh_from_db()
    assert (world.taught.coefficient, world.taught.date, world.taught.poids) == (2.0, dt.date(2023, 11, 6),
                                                                                 {"UE1.3": 0.5})

    page.locator("#valeur-remplissage").select_option("ABS")
    page.locator("#remplir").click()
    expect(page.locator(f"#note-{world.bruno.pk}")).to_have_value("ABS")
    expect(page.locator(f"#note-{world.alice.pk}")).to_have_value("15")
    expect(page.locator("#table-statistiques")).to_contain_text("ABS")

    page.locator("#supprimer-evaluation").click()
    expect(page.locator("#notes-existantes")).to_contain_text("Cette évaluation a 2 notes.")
    page.locator("#confirmer-suppression").click()
    expect(page.locator("#erreur-suppression")).to_contain_text("écrivez le motif")
    expect(page.locator("#motif")).to_have_attribute("aria-invalid", "true")
    assert axe(page) == []
    assert Evaluation.objects.filter(pk=world.taught.pk).exists()
    page.locator("#motif").fill("Contrôle annulé : sujet déjà donné l'an dernier")
    page.locator("#confirmer-suppression").click()
    expect(page.get_by_role("status").first).to_contain_text("supprimée (2 note(s) conservée(s) dans le journal)")
    assert not Evaluation.objects.filter(pk=world.taught.pk).exists()
    assert AuditEntry.objects.filter(object_type="grade", action="delete", evaluation_id=world.taught.pk).count() == 2


def test_the_creation_form_shows_the_weights_of_the_chosen_module_only(world, open_as):
    page = open_as("scolarite")
    page.goto(f"/semestres/{world.s1.pk}/evaluations/nouvelle/")
    form = page.locator("#form-evaluation")
    form.get_by_label("Module").select_option("R1.02")
    expect(form.locator(".poids-ue:visible")).to_have_count(2)
    form.get_by_label("Module").select_option("R1.01")
    expect(form.locator(".poids-ue:visible")).to_have_count(3)
    expect(form.get_by_label("Poids vers UE1.3")).to_be_visible()
