"""A document to ingest: its text, its metadata and its id.

A ``Document``'s id is a hash of its text, so the same text ingested twice is
recognised and stored once.  ``Document.from_file`` reads plain text,
Markdown and HTML (tags stripped, entities unescaped) and takes metadata from
a JSON or YAML sidecar with the same stem (``article.txt`` + ``article.json``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml

#: Largest text accepted, in characters (a long report is ~200,000).
MAX_CHARS = 2_000_000

#: File suffixes ``from_file`` reads.
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

_SIDECARS = (".json", ".yaml", ".yml")


@dataclass(frozen=True)
class Document:
    """A text with its bibliographic metadata.

    Parameters
    ----------
    text : str
        The text as received; event and place offsets point into it.
    title, source, url : str
        Metadata shown beside what is extracted; may be empty.
    published : datetime.date or None
        Publication date; relative dates ("Tuesday", "last week") are resolved
        against it.  ``None`` when unknown (relative dates then stay unresolved).

    Raises
    ------
    ValueError
        When the text is empty, only whitespace, binary or too long.
    """

    text: str
    title: str = ""
    published: dt.date | None = None
    source: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        _check_text(self.text)
        if isinstance(self.published, str):
            object.__setattr__(self, "published", parse_date(self.published))
        if isinstance(self.published, dt.datetime):
            object.__setattr__(self, "published", self.published.date())
        for name in ("title", "source", "url"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, "")

    @property
    def doc_id(self) -> str:
        """First 16 hex digits of the SHA-256 of the text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def from_file(cls, path: str | Path, **metadata) -> "Document":
        """Read a .txt, .md or .html file and its sidecar metadata.

        Parameters
        ----------
        path : str or Path
            The text file.  A ``<stem>.json``, ``.yaml`` or ``.yml`` file next to
            it may carry ``title``, ``published`` (YYYY-MM-DD), ``source``, ``url``.
        **metadata
            Values that override the sidecar's (``None`` values are ignored).

        Raises
        ------
        ValueError
            Unknown suffix, binary or non-UTF-8 content, empty text, bad sidecar.
        FileNotFoundError
            When ``path`` does not exist.
        """
        path = Path(path)
        if path.suffix.lower() not in SUFFIXES:
            raise ValueError(f"{path}: unsupported file type {path.suffix!r}; "
                             f"expected one of {', '.join(SUFFIXES)}")
        raw = path.read_bytes()
        if b"\x00" in raw[:8192]:
            raise ValueError(f"{path}: binary file (contains NUL bytes), not text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: not UTF-8 text (byte {exc.start} is not valid UTF-8)") from None
        if path.suffix.lower() in (".html", ".htm"):
            text = html_to_text(text)
        meta = _read_sidecar(path)
        meta.update({k: v for k, v in metadata.items() if v is not None})
        if not meta.get("title") and path.suffix.lower() in (".html", ".htm"):
            meta["title"] = _html_title(raw.decode("utf-8-sig"))
        try:
            return cls(text=text, title=str(meta.get("title") or ""),
                       published=meta.get("published"), source=str(meta.get("source") or ""),
                       url=str(meta.get("url") or ""))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """``YYYY-MM-DD`` (or a date) -> date; empty -> None; anything else -> ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"published date {value!r} is not YYYY-MM-DD") from None


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page: tags and scripts dropped, entities unescaped."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise ValueError(f"document text must be str, not {type(text).__name__}")
    if not text.strip():
        raise ValueError("document text is empty (nothing but whitespace)")
    if len(text) > MAX_CHARS:
        raise ValueError(f"document text is too long ({len(text):,} characters; "
                         f"at most {MAX_CHARS:,})")
    sample = text[:8192]
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    if "\x00" in sample or control > 0.05 * len(sample) or sample.count("\ufffd") > 0.05 * len(sample):
        raise ValueError("document text looks binary (control or undecodable characters), not text")


def _read_sidecar(path: Path) -> dict:
    for suffix in _SIDECARS:
        sidecar = path.with_suffix(suffix)
        if not sidecar.exists():
            continue
        try:
            content = sidecar.read_text(encoding="utf-8")
            meta = json.loads(content) if suffix == ".json" else yaml.safe_load(content)
        except (ValueError, yaml.YAMLError) as exc:
            raise ValueError(f"{sidecar}: unreadable metadata ({exc})") from None
        if not isinstance(meta, dict):
            raise ValueError(f"{sidecar}: metadata must be a mapping of field to value")
        return {k: meta.get(k) for k in ("title", "published", "source", "url")}
    return {}


def _html_title(markup: str) -> str:
    start = markup.lower().find("<title")
    if start < 0:
        return ""
    start = markup.find(">", start) + 1
    end = markup.lower().find("</title", start)
    return " ".join(html.unescape(markup[start:end]).split()) if end > start else ""


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "head", "noscript", "template"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
              "article", "blockquote", "header", "footer", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)
