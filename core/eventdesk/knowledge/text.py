"""Text analysis for the knowledge base: the words an article and a question are made of.

Small and dependency-free on purpose: the same analysis runs when an article is
indexed and when a question is asked, on any machine, with no model to download.

1. **Folding**: Unicode case folding, then accents removed (NFKD, combining
   marks dropped) and a few letters that do not decompose spelled out
   (``ø`` → ``o``, ``æ`` → ``ae``, ``ß`` → ``ss``), so ``Contraseña`` and
   ``contrasena`` are one word.
2. **Words**: runs of letters and digits (``wi-fi`` is ``wi`` and ``fi``); a
   single letter is not a word.
3. **Stop words**: a short list per language (en, es, fr, de, pt), courtesy
   words included (``please``, ``hola``, ``merci``), since customers write
   them and no article is about them. A question in no given language drops
   the stop words of all five.
4. **Light stemming**: a final plural ``s`` is dropped from words longer than
   three letters, except after ``s``, ``u`` or ``i`` (``printers`` → ``printer``,
   ``contraseñas`` → ``contrasena``, but ``access``, ``status``, ``analysis``
   stay). One rule for every language, so that a question matches an article
   without knowing the article's language. No other stemming.

>>> terms("¿Cómo cambio mi contraseña del correo?", "es")
['cambio', 'contrasena', 'correo']
>>> terms("The printers print blank pages", "en")
['printer', 'print', 'blank', 'page']
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

LANGUAGES_WITH_STOP_WORDS = ("en", "es", "fr", "de", "pt")

# Folded (lower case, no accents), as words are compared after folding; the last English
# line is what is left of contractions ("doesn't" is the words "doesn" and "t").
_STOP_WORD_LISTS = {
    "en": """
        a about after all also am an and any are as at be been but by can cannot could dear
        did do does doing dont for from get got had has have he hello her here hey hi him
        his how if in into is it its just me my no not now of on or our out please regards
        she so some than thank thanks that the their them then there these they this to too
        up us very was we were what when where which who why will with would you your
        aren couldn didn doesn don isn ll re shouldn ve wasn won wouldn
    """,
    "es": """
        a al algo algun buenas buenos como con cual cuando de del desde donde el ella en
        entre es esa ese eso esta estan este esto estoy favor gracias ha han has hay he
        hola la las le les lo los me mi mis muy no nos o para pero por porque puede puedo
        que saludos se sea si sin sobre su sus te tengo tiene tu un una uno unos y ya yo
    """,
    "fr": """
        a ai au aux avec bonjour ce ces cette cordialement dans de des du elle en est et il
        ils je la le les leur lui ma mais me merci mes moi mon ne nous on ou par pas peut
        peux plait plus pour qu que qui sa se ses son sont sur svp ta te tes ton tu un une
        vos votre vous y
    """,
    "de": """
        aber als am an auch auf aus bei bin bis bist bitte danke das dass dem den der des
        die doch du ein eine einem einen einer es fur gruss habe hallo hat ich ihr im in ist
        ja kann kein keine mein meine mich mir mit nicht noch nur oder sich sie sind und uns
        von war was wie wir zu zum zur
    """,
    "pt": """
        a ao aos as com como da das de do dos e ela ele em era esta este eu favor foi isso
        ja mais mas me meu minha na nao nas no nos o obrigada obrigado ola os ou para pela
        pelo pode por porque posso que se sem seu sua tem um uma voce
    """,
}
STOP_WORDS = {language: frozenset(words.split()) for language, words in _STOP_WORD_LISTS.items()}
ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())

# Letters NFKD leaves alone, spelled out as a keyboard without them would.
_SPELLED_OUT = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_WORD = re.compile(r"[^\W_]+")
_KEEP_FINAL_S = ("ss", "us", "is")


def fold(text: str) -> str:
    """Case-folded, without accents.

    >>> fold("Contraseña ÉCHOUÉE Straße Øre")
    'contrasena echouee strasse ore'
    """
    if text.isascii():  # most text: nothing to decompose, and casefold is lower
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_SPELLED_OUT)


def stop_words(language: str | None) -> frozenset[str]:
    """The stop words of a language; of all five without one; none for another language."""
    if language is None:
        return ALL_STOP_WORDS
    return STOP_WORDS.get(language, frozenset())


def stem(word: str) -> str:
    """The light stemmer: a final plural ``s`` dropped (see the module's docstring)."""
    plural = len(word) > 3 and word.endswith("s") and not word.endswith(_KEEP_FINAL_S)
    return word[:-1] if plural and not word.isdigit() else word


@lru_cache(maxsize=65536)
def analyse_word(folded: str, language: str | None) -> str | None:
    """The term a folded word stands for, or None for a stop word or a single letter."""
    if len(folded) < 2 and not folded.isdigit():
        return None
    if folded in stop_words(language):
        return None
    return stem(folded)


def terms(text: str, language: str | None) -> list[str]:
    """The terms of a text, in order, repeats kept."""
    found = []
    for word in _WORD.findall(fold(text)):
        term = analyse_word(word, language)
        if term is not None:
            found.append(term)
    return found


def term_counts(text: str, language: str | None) -> Counter[str]:
    return Counter(terms(text, language))


# --- Markdown to plain text --------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(```|~~~).*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_HTML = re.compile(r"<[^>\n]+>")
_LINE_MARKERS = re.compile(
    r"^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d+[.)][ \t]+)", re.MULTILINE
)
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")
_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE)


def plain_text(markdown: str) -> str:
    """Markdown as the words a person reads: markup gone, paragraphs kept.

    >>> plain_text("## Reset it\\n\\n1. Open **Settings** and [the portal](https://x.example).")
    'Reset it\\n\\nOpen Settings and the portal.'
    """
    text = _FENCE.sub("", markdown)
    text = _RULE.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML.sub("", text)
    text = _LINE_MARKERS.sub("", text)
    for _ in range(3):  # nested emphasis, innermost last
        text = _EMPHASIS.sub(r"\2", text)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def short_answer(markdown: str, limit: int = 300) -> str:
    """The first paragraph, as plain text, whole sentences up to ``limit`` characters:
    what a bot writes or an IVR reads out.

    >>> short_answer("# VPN\\n\\nRestart the client. Then sign in again.\\n\\nMore.", 30)
    'Restart the client.'
    """
    paragraphs = plain_text(markdown).split("\n\n")
    # A heading alone says what the article is about, not the answer: skip a first
    # paragraph that is the heading when something follows it.
    first = paragraphs[1] if len(paragraphs) > 1 and _is_heading(markdown) else paragraphs[0]
    answer = ""
    for sentence in sentences(first):
        candidate = f"{answer} {sentence}".strip()
        if len(candidate) > limit:
            break
        answer = candidate
    return answer or clip(first, limit)


def _is_heading(markdown: str) -> bool:
    return markdown.lstrip().startswith("#")


def snippet(markdown: str, wanted: set[str], language: str | None, limit: int = 160) -> str:
    """The sentence of the text with the most of the ``wanted`` terms (the first, on a tie;
    the first sentence when none has any), cut to ``limit`` characters around them."""
    best, best_count = "", -1
    for sentence in sentences(plain_text(markdown)):
        count = len(wanted.intersection(terms(sentence, language)))
        if count > best_count:
            best, best_count = sentence, count
        if best_count == len(wanted):
            break
    if len(best) <= limit:
        return best
    start = _first_match(best, wanted, language)
    if start > limit // 3:
        begin = best.rfind(" ", 0, start - limit // 4) + 1
        return "…" + clip(best[begin:], limit - 1)
    return clip(best, limit)


def _first_match(sentence: str, wanted: set[str], language: str | None) -> int:
    for match in _WORD.finditer(sentence):
        if analyse_word(fold(match.group()), language) in wanted:
            return match.start()
    return 0
