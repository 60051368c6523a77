"""« Mot de passe oublié » (Django's auth views, French pages and e-mail): the link arrives by a real SMTP
server on the loopback, serves once, and sets a password that then signs in; nothing tells a stranger
whether an address has an account. Login throttling (django-axes) stays the first backend."""

from __future__ import annotations

import re

from django.conf import settings as django_settings
from django.urls import reverse

from .conftest import PASSWORD
from .test_documents import page_text

NEW = "un-nouveau-mot-de-passe-42"


def ask(client, address: str):
    return client.post(reverse("delibe:password_reset"), {"email": address}, follow=True)


def test_the_login_page_offers_the_forgotten_password_link(client, world):
    page = page_text(client.get(reverse("delibe:login")))
    assert "Mot de passe oublié ?" in page and reverse("delibe:password_reset") in page


def test_a_reset_link_arrives_in_french_and_sets_a_password_that_signs_in_once(client, world, smtp):
    user = world.users["scolarite"]
    user.email, user.first_name = "sophie@iut.example.org", "Sophie"
    user.save()
    response = ask(client, "Sophie@IUT.example.org")
    assert "Vérifiez votre messagerie" in page_text(response)
    [message] = smtp.to("sophie@iut.example.org")
    assert str(message["Subject"]).strip() == "Délibé : choisir un nouveau mot de passe"
    text = message.get_body(("plain",)).get_content()
    assert "Bonjour Sophie" in text and "« scolarite »" in text
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+)", text).group(1)
    form = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in page_text(form)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Mot de passe changé" in page_text(done)
    client.logout()
    assert client.login(username="scolarite", password=NEW)
    assert not client.login(username="scolarite", password=PASSWORD)
    client.logout()
    again = client.get(link, follow=True)
    assert "Ce lien n'est plus valable" in page_text(again)


def test_two_different_passwords_are_refused_with_a_french_message(client, world, smtp):
    user = world.users["scolarite"]
    user.email = "sophie@iut.example.org"
    user.save()
    ask(client, "sophie@iut.example.org")
    text = smtp.to("sophie@iut.example.org")[0].get_body(("plain",)).get_content()
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+)", text).group(1)
    form = client.get(link, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW + "x"})
    assert response.status_code == 200
    assert "Les deux mots de passe ne correspondent pas" in page_text(response)
    assert client.login(username="scolarite", password=PASSWORD)  # unchanged


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, world, smtp):
    response = ask(client, "personne@nulle-part.example.org")
    assert "Vérifiez votre messagerie" in page_text(response)
    assert smtp.messages == []


def test_an_account_without_a_local_password_gets_no_link(client, world, smtp):
    user = world.users["scolarite"]
    user.email = "sophie@iut.example.org"
    user.set_unusable_password()  # signs in through the university (CAS)
    user.save()
    ask(client, "sophie@iut.example.org")
    assert smtp.messages == []


def test_a_forged_link_is_refused_in_french(client, world):
    response = client.get(reverse("delibe:password_reset_confirm", args=["MQ", "faux-jeton"]), follow=True)
    assert response.status_code == 200 and "Ce lien n'est plus valable" in page_text(response)


def test_login_throttling_stays_the_first_authentication_backend():
    from axes.backends import AxesStandaloneBackend
    from django.utils.module_loading import import_string

    assert issubclass(import_string(django_settings.AUTHENTICATION_BACKENDS[0]), AxesStandaloneBackend)
