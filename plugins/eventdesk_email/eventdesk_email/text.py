"""From a message's body to the text an agent reads.

Three things happen to a body before it joins an incident's conversation: its
bytes are decoded from whatever charset the sender's client declared (or
failed to declare); an HTML-only body is turned into readable text, since an
agent should not read markup; and the quoted history that mail clients put
under a reply is cut, because the desk already holds every earlier message of
the conversation and repeating them in each entry buries what is new.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

__all__ = ["decode_text", "html_to_text", "strip_quoted_history"]

# A codec that turns bytes into text; these names are not text encodings of mail.
_NOT_MAIL_CHARSETS = {"undefined", "unicode_escape", "raw_unicode_escape", "idna", "punycode"}


def decode_text(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """The text of a body part and, when it could not be decoded cleanly, a note saying why.

    A declared charset is used when Python knows it; an unknown one, or bytes
    that are not valid in the declared one, are decoded with replacement
    characters rather than refused, since the agent can still read most of the
    message; the note says so. Without a declared charset, UTF-8 is tried
    first (clients that forget to declare it are common), then Windows-1252.

    >>> decode_text("Canción".encode("iso-8859-1"), "ISO-8859-1")
    ('Canción', None)
    >>> decode_text(b"caf\\xc3\\xa9", "x-klingon")
    ('café', "unknown charset 'x-klingon': decoded as UTF-8 with replacement characters")
    >>> decode_text(b"caf\\xe9", None)
    ('café', 'no charset declared: decoded as Windows-1252')
    """
    if not charset:
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            return data.decode("cp1252", "replace"), "no charset declared: decoded as Windows-1252"
    codec = _text_codec(charset)
    if codec is None:
        note = f"unknown charset {charset!r}: decoded as UTF-8 with replacement characters"
        return data.decode("utf-8", "replace"), note
    try:
        return data.decode(codec), None
    except UnicodeError:
        pass
    try:
        text = data.decode(codec, "replace")
    except UnicodeError:
        text = data.decode("utf-8", "replace")
    return text, f"the text is not valid {charset}: undecodable bytes replaced"


def _text_codec(charset: str) -> str | None:
    """The name of the Python codec for a declared charset, or None if it has none."""
    try:
        info = codecs.lookup(charset.strip().strip('"'))
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_MAIL_CHARSETS:
        return None
    return info.name


# --- HTML -------------------------------------------------------------------------------------

_SKIPPED = {"script", "style", "title", "template"}
_BREAKS = {"br"}
_BLOCKS = {
    "address", "article", "aside", "dd", "div", "dl", "dt", "figcaption", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
}  # fmt: skip
_PARAGRAPHS = {"p", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
_SPACE = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML body: one line per block, quotes marked with ``>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str | None]] = []  # (quote depth, text); None: a gap
        self._line: list[str] = []
        self._skipping = 0
        self._quoted = 0
        self._preformatted = 0
        self._link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BREAKS:
            self._break()
        elif tag == "blockquote":
            self._break()
            self._quoted += 1
        elif tag in _BLOCKS:
            self._break()
            if tag == "li":
                self._line.append("- ")
            elif tag == "pre":
                self._preformatted += 1
        elif tag in ("td", "th"):
            self._line.append(" ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self._link = href if re.match(r"^(https?|mailto):", href, re.IGNORECASE) else None

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "blockquote":
            self._break()
            self._quoted = max(0, self._quoted - 1)
        elif tag in _BLOCKS:
            self._break()
            if tag in _PARAGRAPHS:
                self.lines.append((self._quoted, None))
            elif tag == "pre":
                self._preformatted = max(0, self._preformatted - 1)
        elif tag == "a":
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._preformatted:
            first, *rest = data.split("\n")
            self._line.append(first)
            for line in rest:
                self._break()
                self._line.append(line)
            return
        text = _SPACE.sub(" ", data)
        if self._link and text.strip() and self._link.removeprefix("mailto:") not in text:
            text = f"{text.rstrip()} <{self._link.removeprefix('mailto:')}>"
            self._link = None
        self._line.append(text)

    def _break(self) -> None:
        line = "".join(self._line)
        line = line.rstrip() if self._preformatted else line.strip()
        if line or self._preformatted:
            self.lines.append((self._quoted, line))
        self._line = []

    def text(self) -> str:
        self._break()
        out: list[str] = []
        for depth, line in self.lines:
            if line is None:
                if out and out[-1]:
                    out.append("")
                continue
            out.append("> " * depth + line)
        return "\n".join(out).strip()


def html_to_text(html: str) -> str:
    """Readable text from an HTML body: scripts and styles dropped, one line per block or
    ``<br>``, list items as ``- item``, links with their address, quotes marked ``>``.

    >>> html_to_text("<style>p {color: red}</style><p>Hello,<br>the VPN is down.</p>"
    ...              "<ul><li>since 9:00</li><li>for everyone</li></ul>")
    'Hello,\\nthe VPN is down.\\n\\n- since 9:00\\n- for everyone'
    """
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return extractor.text()


# --- Quoted history ---------------------------------------------------------------------------

# "On Mon, 2 Mar 2026 at 09:00, Ana <ana@example.com> wrote:" and its kin in other
# languages; clients wrap it over two or three lines.
_ATTRIBUTION = re.compile(
    r"^\s*(?:On\b.{0,400}\bwrote"
    r"|El\b.{0,400}\bescribió"
    r"|Le\b.{0,400}\ba écrit"
    r"|Am\b.{0,400}\bschrieb.{0,200}"
    r"|Op\b.{0,400}\bschreef.{0,200}"
    r"|Il giorno\b.{0,400}\bha scritto"
    r"|Em\b.{0,400}\bescreveu)\s*:\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(r"^\s*(?:On|El|Le|Am|Op|Il giorno|Em)\b", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Mensaje original|Message d'origine|"
    r"Ursprüngliche Nachricht|Messaggio originale|Mensagem original|Forwarded message)"
    r"\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Outlook's reply header: "From: ..." then "Sent: ..." (or its translations) just below.
_HEADER_FROM = re.compile(r"^\s*\*?(?:From|De|Von|Da|Van)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\s*\*?(?:Sent|Date|Enviado(?: el)?|Envoyé|Gesendet|Inviato|Verzonden|Fecha)\s*:\*?\s*\S",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*_{10,}\s*$")


def _history_starts(lines: list[str], index: int) -> bool:
    line = lines[index]
    if _ORIGINAL_MESSAGE.match(line):
        return True
    if _ATTRIBUTION_START.match(line):
        for end in range(index + 1, min(index + 3, len(lines)) + 1):
            if _ATTRIBUTION.match(" ".join(part.strip() for part in lines[index:end])):
                return True
    following = lines[index + 1 : index + 5]
    if _RULE.match(line) and any(_HEADER_FROM.match(next_line) for next_line in following[:2]):
        return True
    return bool(_HEADER_FROM.match(line) and any(_HEADER_SENT.match(n) for n in following[:3]))


def strip_quoted_history(text: str) -> str:
    """What the sender wrote, without the history their client quoted below it.

    Cuts at the first reply marker ("On ... wrote:", "-----Original Message-----",
    Outlook's "From: / Sent:" block) and drops lines quoted with ``>``. If that
    would leave nothing (a message that is all quote), the whole text is kept.

    >>> strip_quoted_history("Still broken.\\n\\nOn Mon, 2 Mar 2026, Desk wrote:\\n> Fixed?")
    'Still broken.'
    >>> strip_quoted_history("> only a quote")
    '> only a quote'
    """
    lines = text.splitlines()
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _history_starts(lines, index):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    result = "\n".join(kept).strip()
    result = re.sub(r"\n{3,}", "\n\n", result)
    return result or text.strip()
