"""Full-text search over the course: SQLite FTS5, in memory, built once per loaded course.

Why FTS5: it ships inside Python's own sqlite3, so search needs no service to run and no
package to install; it gives BM25 ranking with per-column weights (a heading outranks body
text), Porter stemming ("caching" finds "cache"), prefix queries for search-as-you-type, and
highlighted excerpts. The index is a few hundred rows for this course and is rebuilt whenever
the course is (a content edit in development, a restart in production).

What is indexed: every module section (h2/h3, with the text up to the next heading of either
level), every FAQ answer, every roadmap stage and every exercise (title, summary, prompt).
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
from dataclasses import dataclass

MAX_QUERY = 200
MAX_TERMS = 8
_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|h[1-6]|pre|table|thead|tbody|tr|td|th|br|hr|blockquote|section|details|summary|dt|dd|dl)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_SKIP = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>|<(script|style|button)\b.*?</\1>', re.S)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S)
_TERM = re.compile(r"\w+", re.UNICODE)
# Sentinels FTS5 puts around matches; the text is escaped, then they become <mark>.
_OPEN, _CLOSE = "\x02", "\x03"
KIND_LABELS = {"section": "Module", "faq": "FAQ", "stage": "Roadmap", "exercise": "Exercise"}


@dataclass(frozen=True)
class Hit:
    kind: str  # "section", "faq", "stage", "exercise"
    title: str
    context: str  # where it lives: the module's title, "FAQ", …
    url: str
    excerpt: str  # HTML: escaped text with <mark> around the matched words

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def text_of(fragment: str) -> str:
    """Rendered HTML as plain, readable text (tags gone, entities decoded, whitespace folded)."""
    # Block tags part words; inline ones (a highlighted token's span) must not.
    return " ".join(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", _SKIP.sub(" ", fragment)))).split())


def prose_and_code(fragment: str) -> tuple[str, str]:
    """The text of a fragment apart from its code blocks, and the code blocks' text."""
    return text_of(_PRE.sub(" ", fragment)), " ".join(text_of(block) for block in _PRE.findall(fragment))


def sections(body_html: str) -> list[tuple[str, str, str, str]]:
    """(anchor, heading, prose, code) for each h2/h3 of a page, running to the next such heading."""
    found = list(_HEADING.finditer(body_html))
    result = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(body_html)
        result.append((match[2], text_of(match[3]), *prose_and_code(body_html[match.end():end])))
    return result


def fts_query(text: str) -> str:
    """The learner's words as a safe FTS5 query: each word quoted, all required, the last one a prefix."""
    terms = _TERM.findall(text[:MAX_QUERY].lower())[:MAX_TERMS]
    if not terms:
        return ""
    quoted = [f'"{term}"' for term in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


class SearchIndex:
    def __init__(self, course) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, code, kind UNINDEXED, context UNINDEXED, "
                         "url UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')")
        self._db.executemany("INSERT INTO docs (title, body, code, kind, context, url) VALUES (?, ?, ?, ?, ?, ?)", _rows(course))
        self._db.commit()
        self.size = self._db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def search(self, text: str, *, limit: int = 20) -> list[Hit]:
        """Ranked hits for what a learner typed (headings weigh 10, prose 1, code 0.5); [] for nothing useful."""
        query = fts_query(text)
        if not query:
            return []
        with self._lock:
            try:
                rows = self._db.execute(
                    f"SELECT kind, title, context, url, snippet(docs, 1, '{_OPEN}', '{_CLOSE}', '…', 16), "
                    f"snippet(docs, 2, '{_OPEN}', '{_CLOSE}', '…', 12) FROM docs WHERE docs MATCH ? "
                    "ORDER BY bm25(docs, 10.0, 1.0, 0.5) LIMIT ?", (query, limit)).fetchall()
            except sqlite3.OperationalError:
                return []  # fts_query only builds valid queries; belt and braces
        # The excerpt comes from the prose where the words are in it, else from the code.
        return [Hit(kind, title, context, url, _marked(prose if _OPEN in prose or _OPEN not in code else code))
                for kind, title, context, url, prose, code in rows]


def _marked(text: str) -> str:
    return html.escape(text).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def _rows(course):
    for module in course.modules:
        if not module.is_published:
            continue
        intro_end = module.body.html.find("<h2")
        prose, code = prose_and_code(module.body.html[: intro_end if intro_end >= 0 else len(module.body.html)])
        yield module.title, f"{module.summary} {prose}", code, "section", "Module", module.url
        for anchor, heading, prose, code in sections(module.body.html):
            yield heading, prose, code, "section", module.title, f"{module.url}#{anchor}"
    for entry in course.faq:
        yield entry.question, *prose_and_code(entry.body.html), "faq", "FAQ", entry.url
    for stage in course.stages:
        topics = " ".join(text_of(topic) for topic in stage.topics)
        prose, code = prose_and_code(stage.body.html)
        yield stage.title, f"{topics} {prose}", code, "stage", "Roadmap", stage.url
    for exercise in course.exercises:
        module = course.module(exercise.module)
        prose, code = prose_and_code(exercise.prompt.html)
        yield (exercise.title, f"{exercise.summary} {prose}", code, "exercise", module.title if module else "Exercise",
               exercise.url)


_cache: tuple[object, SearchIndex] | None = None
_cache_lock = threading.Lock()


def index_for(course) -> SearchIndex:
    """The index of this very course object, built on first use (the course is rebuilt when content changes)."""
    global _cache
    with _cache_lock:
        if _cache is None or _cache[0] is not course:
            _cache = (course, SearchIndex(course))
        return _cache[1]
