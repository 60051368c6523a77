"""The roll call opens on the last teaching day (no weekend, no public holiday), in the application's
design, with a breadcrumb."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse


def test_the_roll_call_of_a_past_semester_ending_on_a_saturday_opens_on_the_friday(world, login):
    world.s1.debut, world.s1.fin = dt.date(2023, 9, 4), dt.date(2024, 1, 20)  # Saturday 20 January
    world.s1.save()
    html = login("enseignant").get(reverse("assiduite:appel", args=[world.s1.pk]) + "?groupe=A&module=R1.01"
                                   ).content.decode()
    assert 'value="2024-01-19"' in html and "vendredi 19 janvier 2024" in html


def test_a_semester_ending_on_a_public_holiday_opens_on_the_day_before(world, login):
    world.s2.debut, world.s2.fin = dt.date(2024, 1, 22), dt.date(2024, 5, 8)  # 8 mai
    world.s2.save()
    html = login("scolarite").get(reverse("assiduite:appel", args=[world.s2.pk]) + "?groupe=A"
                                  ).content.decode()
    assert 'value="2024-05-07"' in html


def test_the_attendance_pages_carry_a_breadcrumb_and_the_application_buttons(world, login):
    client = login("scolarite")
    for url in (reverse("assiduite:appel", args=[world.s1.pk]) + "?groupe=A&module=R1.01",
                reverse("assiduite:import", args=[world.s1.pk]), reverse("assiduite:justificatifs"),
                reverse("assiduite:rapports", args=[world.department.pk]) + "?mois=2023-10"):
        html = client.get(url).content.decode()
        assert 'class="breadcrumb"' in html and 'class="button' in html, url
    html = login("etudiant").get(reverse("assiduite:mon_justificatif")).content.decode()
    assert 'class="breadcrumb"' in html and "Mon parcours" in html
