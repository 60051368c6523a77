"""The browser tooling itself works: Chromium renders, axe-core finds a real violation and passes a
clean page. If these fail, every other browser test would be meaningless."""


def test_axe_reports_an_image_without_alternative_text_as_critical(page, axe):
    page.set_content('<html lang="fr"><head><title>t</title></head><body><main>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                     '</main></body></html>')
    assert "image-alt" in [v["id"] for v in axe(page)]


def test_axe_finds_nothing_serious_on_a_labelled_form(page, axe):
    page.set_content('<html lang="fr"><head><title>Connexion</title></head><body><main><h1>Connexion</h1>'
                     '<form><label for="u">Identifiant</label><input id="u" name="u">'
                     '<button type="submit">Se connecter</button></form></main></body></html>')
    assert axe(page) == []
