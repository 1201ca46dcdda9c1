"""On a phone: create a person, add a comment and a photo, then find the person again by typing the
name without accents and in another word order."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from playwright.sync_api import Page, expect

from mano.persons.models import Comment, Document
from mano.testing import PASSWORD, build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    """A real 1×1 PNG, as a phone camera would send (smaller)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_a_worker_records_a_person_with_a_comment_and_a_photo_then_finds_them(
    browser_page: Page, site_url: str, browser_console: list[str]
):
    org = build_org("Maraude Téléphone")
    page = browser_page
    page.goto(f"{site_url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(org["normal"].user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()
    page.goto(f"{site_url}/personnes/nouvelle/")
    page.get_by_label("Nom, prénom ou pseudonyme").fill("Dupont Éloïse")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Dupont Éloïse")).to_be_visible()

    page.get_by_role("link", name="Ajouter un commentaire").click()
    page.locator("textarea[name=text]").fill("Rencontrée place de la gare, demande un duvet.")
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(page.get_by_text("Rencontrée place de la gare, demande un duvet.")).to_be_visible()

    page.get_by_label("Ajouter des documents").set_input_files(
        files=[{"name": "photo-carte.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.locator("form.doc-upload button[type=submit]").click()
    expect(page.get_by_text("photo-carte.png").first).to_be_visible()
    assert Comment.objects.count() == 1 and Document.objects.count() == 1

    page.goto(f"{site_url}/personnes/")
    page.get_by_label("Rechercher").fill("eloise dupont")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("link", name="Dupont Éloïse")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/mano-search-390.png", full_page=True)
    page.get_by_role("link", name="Dupont Éloïse").click()
    page.screenshot(path="/tmp/mano-person-390.png", full_page=True)
    page.go_back()

    page.get_by_label("Rechercher").fill("duvet gare")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("link", name="Dupont Éloïse")).to_be_visible()
    expect(page.get_by_text("commentaire")).to_be_visible()
    assert not [m for m in browser_console if "Content Security Policy" in m or "Refused to" in m]
