"""Markdown → HTML, once per document; the only place that parses Markdown.

Besides the HTML, rendering records what validation needs (links, element
ids, tab groups) and produces code tabs following the WAI-ARIA tabs pattern.
The learner's language is chosen per request by `Rendered.for_language`, a
cheap substitution over the stored HTML, so a page is rendered only once.
"""

from __future__ import annotations

import html as html_lib
import math
import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from functools import lru_cache

import markdown
import pymdownx.highlight
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from .languages import CODE_LANGUAGES, DEFAULT_LANGUAGE, LANGUAGE_BY_LABEL

WORDS_PER_MINUTE = 220
LANGUAGE_FORM_ID = "code-lang-form"
LANGUAGE_FORM_ACTION = "/preferences/code-language/"


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str
    children: tuple[Heading, ...] = ()


@dataclass(frozen=True)
class Rendered:
    """HTML for one Markdown body plus what was learned while rendering it."""

    html: str
    toc: tuple[Heading, ...] = ()
    ids: frozenset[str] = frozenset()
    links: tuple[str, ...] = ()
    tab_groups: tuple[tuple[str, ...], ...] = ()
    problems: tuple[str, ...] = ()  # content problems found while rendering
    words: int = 0

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))

    def for_language(self, language: str | None) -> str:
        """The HTML with every tab group showing `language` where it has it."""
        if not self.tab_groups:
            return self.html
        return _select_language(self.html, self.tab_groups, language or DEFAULT_LANGUAGE)


_SENTINEL = re.compile(r' data-tab="(\d+):([a-z0-9-]+):([bp])"')


@lru_cache(maxsize=1024)
def _select_language(source: str, groups: tuple[tuple[str, ...], ...], language: str) -> str:
    def replace(match: re.Match) -> str:
        group, lang, part = int(match[1]), match[2], match[3]
        langs = groups[group]
        chosen = language if language in langs else langs[0]
        if part == "b":
            return ' aria-selected="true" tabindex="0"' if lang == chosen else ' aria-selected="false" tabindex="-1"'
        return "" if lang == chosen else " hidden"

    return _SENTINEL.sub(replace, source)


class _CodeTabs(Treeprocessor):
    """Rewrite pymdownx.tabbed's radio-button sets into ARIA tablists.

    Each tab is a submit button of the page-wide language form, so without
    JavaScript choosing a tab posts the choice and the server re-renders the
    page with it; with JavaScript the switch happens in place.
    """

    def __init__(self, md: markdown.Markdown, prefix: str) -> None:
        super().__init__(md)
        self.prefix = prefix

    def run(self, root: etree.Element) -> None:
        self.md.tab_groups = []
        self.md.tab_problems = []
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "div" and "tabbed-set" in child.get("class", ""):
                    parent.remove(child)
                    parent.insert(index, self._rebuild(child))

    def _rebuild(self, tab_set: etree.Element) -> etree.Element:
        number = len(self.md.tab_groups)
        group_id = f"{self.prefix}tabs-{number + 1}"
        labels = tab_set.find("div[@class='tabbed-labels']")
        content = tab_set.find("div[@class='tabbed-content']")
        label_texts = ["".join(label.itertext()).strip() for label in labels] if labels is not None else []
        blocks = list(content) if content is not None else []
        langs: list[str] = []
        for text in label_texts:
            lang = LANGUAGE_BY_LABEL.get(text)
            if lang is None:
                self.md.tab_problems.append(
                    f"unknown code-tab language '{text}' (use {', '.join(CODE_LANGUAGES.values())})"
                )
                lang = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or f"tab{len(langs) + 1}"
            if lang in langs:
                self.md.tab_problems.append(f"code-tab language '{text}' appears twice in one tab group")
            langs.append(lang)
        known = [lang for lang in langs if lang in CODE_LANGUAGES]
        if known != sorted(known, key=list(CODE_LANGUAGES).index):
            self.md.tab_problems.append(
                "code tabs must come in the order " + ", ".join(CODE_LANGUAGES.values())
            )
        self.md.tab_groups.append(tuple(langs))

        group = etree.Element("div", {"class": "code-tabs", "id": group_id})
        tablist = etree.SubElement(group, "div", {"role": "tablist", "aria-label": "Code language"})
        for lang, text in zip(langs, label_texts):
            button = etree.SubElement(
                tablist,
                "button",
                {
                    "type": "submit",
                    "role": "tab",
                    "id": f"{group_id}-{lang}",
                    "aria-controls": f"{group_id}-{lang}-panel",
                    "form": LANGUAGE_FORM_ID,
                    "formaction": f"{LANGUAGE_FORM_ACTION}?at={group_id}",
                    "name": "language",
                    "value": lang,
                    "data-lang": lang,
                    "data-tab": f"{number}:{lang}:b",
                },
            )
            button.text = text
        for lang, block in zip(langs, blocks):
            panel = etree.SubElement(
                group,
                "div",
                {
                    "role": "tabpanel",
                    "id": f"{group_id}-{lang}-panel",
                    "aria-labelledby": f"{group_id}-{lang}",
                    "data-lang": lang,
                    "data-tab": f"{number}:{lang}:p",
                },
            )
            panel.text = block.text
            for child in block:
                panel.append(child)
        return group


class _Permalinks(Treeprocessor):
    """Give heading permalinks an accessible name instead of a bare pilcrow."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in ("h2", "h3", "h4") and element.get("id"):
                for link in element.findall("a[@class='headerlink']"):
                    title = "".join(element.itertext()).replace(link.text or "", "").strip()
                    link.set("aria-label", f"Link to the section “{title}”")
                    link.attrib.pop("title", None)
                    link.text = "#"


# The label a code block shows for its fence's language (unknown ones show as written).
CODE_LABELS = {"ts": "TypeScript", "typescript": "TypeScript", "js": "JavaScript", "python": "Python", "php": "PHP",
               "csharp": "C#", "http": "HTTP", "json": "JSON", "yaml": "YAML", "sql": "SQL", "sh": "Shell",
               "bash": "Shell", "html": "HTML", "markdown": "Markdown", "protobuf": "Protocol Buffers",
               "graphql": "GraphQL", "dockerfile": "Dockerfile", "text": "Text"}
_CODE_BLOCK = re.compile(r'<div class="language-([\w+#-]+) highlight"><pre>')


def _code_block(match: re.Match) -> str:
    label = CODE_LABELS.get(match.group(1), match.group(1))
    return f'<div class="highlight" data-lang="{label}"><pre tabindex="0">'


class _KeyboardScroll(Postprocessor):
    """Wide code blocks and tables scroll sideways; make them reachable by keyboard. Code blocks say their language."""

    def run(self, text: str) -> str:
        text = _CODE_BLOCK.sub(_code_block, text)
        text = text.replace('<div class="highlight"><pre>', '<div class="highlight"><pre tabindex="0">')
        text = text.replace("<table>", '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>')
        return text.replace("</table>", "</table></div>")


class _SiteExtension(markdown.Extension):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_CodeTabs(md, self.prefix), "api_code_tabs", 7)
        md.treeprocessors.register(_Permalinks(md), "api_permalinks", 4)
        md.postprocessors.register(_KeyboardScroll(md), "api_keyboard_scroll", 5)


def _extensions(prefix: str) -> tuple[list, dict]:
    return (
        [
            "toc",
            "attr_list",
            "md_in_html",
            "tables",
            "def_list",
            "footnotes",
            "admonition",
            "pymdownx.details",
            "pymdownx.superfences",
            "pymdownx.highlight",
            "pymdownx.tabbed",
            _SiteExtension(prefix),
        ],
        {
            "toc": {"permalink": True, "toc_depth": "2-3"},
            "pymdownx.highlight": {
                "use_pygments": True,
                "css_class": "highlight",
                "guess_lang": False,
                "pygments_lang_class": True,  # the fence's language, turned into data-lang by _KeyboardScroll
                # Samples show PHP without the opening tag; highlight them anyway.
                "extend_pygments_lang": [{"name": "php", "lang": "php", "options": {"startinline": True}}],
            },
            "pymdownx.tabbed": {"alternate_style": True},
        },
    )


@lru_cache(maxsize=64)
def _cached_lexer(name: str, options: tuple):
    return _get_lexer_by_name(name, **dict(options))


def _get_lexer_by_name_cached(name: str, **options):
    # Pygments builds a new lexer (and, for C#, recompiles its grammar) for
    # every code block; lexers keep no state between calls, so one per
    # language and options is enough (bench/content_render.py: 38 -> 27 ms
    # a synthetic page).
    try:
        return _cached_lexer(name, tuple(sorted(options.items())))
    except TypeError:  # an unhashable option: build one as usual
        return _get_lexer_by_name(name, **options)


_get_lexer_by_name = pymdownx.highlight.get_lexer_by_name
pymdownx.highlight.get_lexer_by_name = _get_lexer_by_name_cached

_local = threading.local()


def _markdown(prefix: str) -> markdown.Markdown:
    # Building a Markdown instance costs more than converting a page; keep one
    # per thread and prefix and reset it between documents.
    cache = getattr(_local, "instances", None)
    if cache is None:
        cache = _local.instances = {}
    md = cache.get(prefix)
    if md is None:
        extensions, configs = _extensions(prefix)
        md = cache[prefix] = markdown.Markdown(extensions=extensions, extension_configs=configs)
    md.reset()
    return md


_ID = re.compile(r'\sid="([^"]+)"')
_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")


def render(source: str, *, prefix: str = "") -> Rendered:
    """Render a Markdown body; `prefix` keeps element ids unique on shared pages."""
    md = _markdown(prefix)
    html = md.convert(source)
    problems = list(getattr(md, "tab_problems", []))
    if "<h1" in html:
        problems.append("use '##' and '###' headings in the body; the page title comes from the front matter")
    text = html_lib.unescape(_TAG.sub(" ", html))
    return Rendered(
        html=html,
        toc=tuple(_headings(md.toc_tokens)),
        ids=frozenset(_ID.findall(html)),
        links=tuple(dict.fromkeys(html_lib.unescape(href) for href in _HREF.findall(html))),
        tab_groups=tuple(getattr(md, "tab_groups", [])),
        problems=tuple(problems),
        words=len(text.split()),
    )


def render_inline(source: str) -> str:
    """Render one line of Markdown (a list item, a summary) without the <p> wrapper."""
    html = _markdown("").convert(source)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def _headings(tokens: list[dict]) -> list[Heading]:
    out = []
    for token in tokens:
        children = tuple(_headings(token.get("children", [])))
        if 2 <= token["level"] <= 3:
            out.append(Heading(token["level"], token["id"], html_lib.unescape(_TAG.sub("", token["name"])), children))
        else:
            out.extend(children)
    return out
