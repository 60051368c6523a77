"""People in the browser (issue 13, items 2 and 7): the administrator creates an account, gives it a role,
assigns it a module; the invited person chooses a password through the emailed link; the department's
settings page. Every new page passes axe."""

from __future__ import annotations

import re
import time

from django.core import mail
from playwright.sync_api import expect


def test_the_administrator_creates_an_account_gives_a_role_and_assigns_a_module(world, open_as, axe, browser, site):
    from django.contrib.auth import get_user_model

    from delibe.web.models import TeachingAssignment

    started = time.perf_counter()
    page = open_as("admin")
    page.goto("/")
    page.locator("#lien-personnes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes")
    assert axe(page) == []

    form = page.locator("#form-compte")
    form.get_by_label("Identifiant").fill("mlefevre")
    form.get_by_label("Prénom").fill("Marc")
    form.get_by_label("Nom", exact=True).fill("Lefèvre")
    form.get_by_label("Courriel").fill("marc.lefevre@iut.example")
    form.get_by_label("Rôle").select_option("enseignant")
    form.get_by_label("Département").select_option(str(world.department.pk))
    page.locator("#creer-compte").click()
    expect(page.get_by_role("status").first).to_contain_text("Compte « mlefevre » créé")
    assert axe(page) == []

    roles = page.locator("#form-roles")
    roles.get_by_label("Rôle").select_option("president")
    roles.get_by_label("MMI").check()
    page.locator("#donner-role-bouton").click()
    expect(page.get_by_role("status").first).to_contain_text("1 rôle(s) ajouté(s).")
    expect(page.locator("#roles")).to_be_visible()
    user = get_user_model().objects.get(username="mlefevre")
    assert set(user.memberships.values_list("role", flat=True)) == {"enseignant", "president"}

    page.goto(f"/semestres/{world.s1.pk}/")
    page.locator("#lien-enseignements").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Enseignants des modules")
    assert axe(page) == []
    module = page.get_by_role("region", name="R1.02 —")
    module.get_by_label("Responsable").select_option(label="Marc Lefèvre (mlefevre)")
    module.get_by_role("button", name="Enregistrer R1.02").click()
    expect(page.get_by_role("status").first).to_contain_text("Module R1.02 enregistré.")
    assert TeachingAssignment.objects.get(user=user, semester=world.s1, module_code="R1.02").role == "responsable"

    page.goto(f"/departements/{world.department.pk}/reglages/")
    assert axe(page) == []
    page.get_by_label("Président du jury").fill("Mme la Directrice")
    page.locator("#enregistrer-reglages").click()
    expect(page.get_by_role("status").first).to_contain_text("Réglages enregistrés")
    expect(page.locator("table.data")).to_contain_text("Mme la Directrice")
    assert axe(page) == []

    # the invited person follows the link, chooses a password and logs in
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    context = browser.new_context(base_url=site)
    guest = context.new_page()
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_have_text("Choisir votre mot de passe")
    assert axe(guest) == []
    guest.locator("#id_new_password1").fill("Un-long-mot-de-passe-42")
    guest.locator("#id_new_password2").fill("Un-long-mot-de-passe-42")
    guest.locator("#choisir-mot-de-passe").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")
    assert axe(guest) == []
    context.close()
    print(f"\n[e2e people] account → role → module → settings in {time.perf_counter() - started:.1f} s")


def test_the_new_pages_fit_a_phone_a_tablet_and_a_laptop_without_scrolling_sideways(world, open_as):
    page = open_as("admin")
    paths = ["/personnes/", f"/personnes/{world.users['enseignant'].pk}/", f"/semestres/{world.s1.pk}/enseignements/",
             f"/departements/{world.department.pk}/reglages/"]
    wide = {}
    for width in (320, 768, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            page.goto(path)
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > width:
                wide[(width, path)] = scroll
    assert wide == {}, "wide tables scroll inside their own box, never the page"
