"""Text analysis of the knowledge base: folding, words, stop words, stemming, snippets."""

from __future__ import annotations

import pytest
from eventdesk.knowledge.text import (
    STOP_WORDS,
    fold,
    plain_text,
    short_answer,
    snippet,
    stem,
    terms,
)


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Contraseña", "contrasena"),
        ("CONTRASEÑA", "contraseña"),
        ("échouée", "ECHOUEE"),
        ("Straße", "strasse"),
        ("Ørsted", "orsted"),
        ("Æble", "aeble"),
        ("ﬁrewall", "firewall"),  # a ligature
        ("Ａｃｃｅｓｓ", "access"),  # full-width letters
        ("İstanbul", "istanbul"),
    ],
)
def test_accents_case_and_letter_forms_fold_to_one_word(written, typed):
    assert terms(written, None) == terms(typed, None)
    assert len(terms(written, None)) == 1


def test_fold_keeps_what_has_no_accent():
    assert fold("VPN 2FA wi-fi") == "vpn 2fa wi-fi"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("How do I reset my password?", "en", ["reset", "password"]),
        ("La impresora no imprime", "es", ["impresora", "imprime"]),
        ("Je ne peux pas imprimer", "fr", ["imprimer"]),
        ("Ich kann nicht drucken", "de", ["drucken"]),
        ("Não consigo imprimir", "pt", ["consigo", "imprimir"]),
        ("Hola, buenos días. Mi VPN no conecta, gracias", "es", ["dia", "vpn", "conecta"]),
    ],
)
def test_each_language_drops_its_stop_words(text, language, expected):
    assert terms(text, language) == expected


def test_a_word_is_a_stop_word_only_in_its_language_unless_none_is_given():
    # "die" is German for "the", but English for something else entirely.
    assert terms("die", "de") == []
    assert terms("die", "en") == ["die"]
    assert terms("die", None) == []  # no language: every list applies
    assert terms("die", "it") == ["die"]  # a language without a list: none applies


def test_the_stop_word_lists_are_folded_as_the_words_they_match():
    for language, words in STOP_WORDS.items():
        assert all(word == fold(word) for word in words), language


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("printers", "printer"),
        ("contrasenas", "contrasena"),
        ("imprimantes", "imprimante"),
        ("access", "access"),
        ("status", "status"),
        ("analysis", "analysis"),
        ("dns", "dns"),  # three letters: left alone
        ("bus", "bus"),
        ("1000", "1000"),
        ("drucker", "drucker"),
    ],
)
def test_light_stemming_drops_a_plural_s_only(word, stemmed):
    assert stem(word) == stemmed


def test_words_are_runs_of_letters_and_digits_of_two_or_more():
    assert terms("wi-fi error_404: it's 5 x", "en") == ["wi", "fi", "error", "404", "5"]


def test_plain_text_drops_markdown_but_keeps_paragraphs_and_link_text():
    markdown = (
        "# Reset your password\n\n"
        "1. Open **Settings** > *Accounts*.\n"
        "2. Choose [Forgot password](https://id.example/forgot).\n\n"
        "```\nreset --all\n```\n\n"
        "> Note: the link expires in `10` minutes.\n\n---\n"
    )
    assert plain_text(markdown) == (
        "Reset your password\n\n"
        "Open Settings > Accounts. Choose Forgot password.\n\n"
        "reset --all\n\n"
        "Note: the link expires in 10 minutes."
    )


def test_the_short_answer_is_whole_sentences_of_the_first_paragraph():
    body = "# VPN\n\nRestart the client. Then sign in again. Call us if it fails.\n\nDetails."
    assert short_answer(body) == "Restart the client. Then sign in again. Call us if it fails."
    assert short_answer(body, 45) == "Restart the client. Then sign in again."
    # A first sentence longer than the limit is cut at a word, with an ellipsis.
    assert short_answer("One two three four five six.", 15) == "One two three…"


def test_the_snippet_is_the_sentence_with_most_of_the_matched_terms():
    body = "Printers are on every floor. To clear a paper jam, open tray 2. Jams are rare."
    assert snippet(body, {"jam", "paper"}, "en") == "To clear a paper jam, open tray 2."
    assert snippet(body, {"nothing"}, "en") == "Printers are on every floor."  # none: the first


def test_a_long_snippet_is_cut_around_the_first_match():
    body = " ".join(["filler"] * 40) + " the toner cartridge is empty " + " ".join(["more"] * 40)
    cut = snippet(body, {"toner"}, "en", limit=60)
    assert "toner" in cut
    assert cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 60
