"""Markdown to safe HTML: markdown-it-py with raw HTML off, then nh3 with a short allow-list.

Two layers on purpose: markdown-it refuses raw HTML and unsafe link schemes, and nh3 removes
whatever the first layer might let through (it is the one that guarantees the output).

What a message may contain is decided once, in ``FEATURES``: the parser enables exactly their
markdown-it rules, the sanitiser allows exactly their elements and attributes, and the help
under the message field and the formatting guide are written from their examples. Choices
in it that are not CommonMark's:

- Headings. A message sits under a heading of its own (its author's name, an h3 on a topic
  page), so the headings it contains take the two levels below: the first level used is h4,
  any deeper one h5, and a message never starts at h5. Pages where a message sits under
  another level (the history, the report form) shift them with ``headings_below``. Only
  ``#`` makes a heading (see the rule).
- Images are never loaded from an address in the text: another site would learn who reads
  (and the Content Security Policy refuses other origins anyway), and a picture shown must
  have passed the upload check and disappear with its message. ``![description](address)``
  becomes a link to the address with the description as its text; pictures are attached to
  the message and shown under it. The preview says so (``remarks``).
- People who are not developers write here: a new line typed is a new line shown, and an
  http(s) address typed alone is a link. Raw HTML has no rule at all: it shows as typed.
"""

import dataclasses
import hashlib
import re

import nh3
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

# @ followed by a handle: letters, digits and hyphens, not glued to a word or an address.
MENTION = re.compile(r"(?<![\w@.])@([a-z0-9][a-z0-9-]{1,39})\b", re.IGNORECASE)
LINK = re.compile(r"https?://|www\.|mailto:", re.IGNORECASE)
# An address typed alone: up to a space or a bracket; trailing punctuation is the sentence's.
BARE_ADDRESS = re.compile(r"(?<![\w/])https?://[^\s<>\"]+", re.IGNORECASE)
TRAILING = ".,;:!?'\"»’)]*_"
TYPED_HTML = re.compile(r"</?[a-zA-Z][\w-]*(\s[^<>]*)?/?>")

# The two heading levels of a message: below the h3 that introduces it on a topic page.
HEADING_LEVELS = (4, 5)


@dataclasses.dataclass(frozen=True)
class Feature:
    """One thing people may type: what it looks like, what it gives, and what it needs."""

    typed: str | Promise
    gives: Promise
    rules: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()
    attributes: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    # Shown in the one-line help under the field (the guide shows them all).
    in_summary: bool = False
    # ``typed`` is what people type, shown as code; else words that describe it.
    literal: bool = True


# Paragraphs are always there; markdown-it's "zero" preset has them.
BASE_RULES = ("newline", "escape", "entity")
BASE_TAGS = frozenset({"p", "br"})

FEATURES = (
    Feature(_("**bold**"), _("bold"), ("emphasis",), frozenset({"strong"}), in_summary=True),
    Feature(_("*italic*"), _("italic"), ("emphasis",), frozenset({"em"}), in_summary=True),
    Feature(_("~~struck out~~"), _("struck out"), ("strikethrough",), frozenset({"s"})),
    Feature(
        _("[link text](https://…)"),
        _("a link"),
        ("link", "autolink", "reference"),
        frozenset({"a"}),
        {"a": frozenset({"href", "title"})},
        in_summary=True,
    ),
    Feature("https://…", _("an address alone is a link too"), (), frozenset({"a"})),
    Feature(
        _("## Heading"),
        _("a heading in your message; one with more # is a sub-heading"),
        # "#" only: underlined (setext) headings are too easily made by accident, by the
        # "--" of an e-mail signature under a line.
        ("heading",),
        frozenset(f"h{level}" for level in HEADING_LEVELS),
        in_summary=True,
    ),
    Feature(
        _("> quotation"),
        _("a quotation"),
        ("blockquote",),
        frozenset({"blockquote"}),
        in_summary=True,
    ),
    Feature(
        _("- item"),
        _("a list; 1. for a numbered one"),
        ("list",),
        frozenset({"ul", "ol", "li"}),
        in_summary=True,
    ),
    Feature(
        "`code`",
        _("code, shown as typed"),
        ("backticks", "fence", "code"),
        frozenset({"code", "pre"}),
    ),
    Feature(
        _("| a | b |"),
        _("a table: a line of titles, a line of | --- |, then the rows"),
        ("table",),
        frozenset({"table", "thead", "tbody", "tr", "th", "td"}),
    ),
    Feature("---", _("a separator line"), ("hr",), frozenset({"hr"})),
    Feature(
        _("@handle"),
        _("tells that person"),
        (),
        frozenset({"span"}),
        {"span": frozenset({"class"})},
    ),
    Feature(
        _("A new line"),
        _("stays a new line; an empty line starts a paragraph"),
        ("newline",),
        BASE_TAGS,
        literal=False,
    ),
    Feature(
        _("![description](https://…)"),
        _("a link to the picture, not the picture: pictures are shown when they are attached"),
        ("image",),
        frozenset({"a"}),
    ),
    Feature("<b>…</b>", _("shown as typed: HTML is not used"), (), frozenset()),
)


def _allowed_attributes():
    allowed = {}
    for feature in FEATURES:
        for tag, names in feature.attributes.items():
            allowed[tag] = allowed.get(tag, frozenset()) | names
    return allowed


ALLOWED_TAGS = BASE_TAGS.union(*(feature.tags for feature in FEATURES))
ALLOWED_ATTRIBUTES = _allowed_attributes()
URL_SCHEMES = {"http", "https", "mailto"}


def _parser():
    # "zero" has paragraphs and text only: every other rule comes from FEATURES. Raw HTML has
    # no rule at all, so it stays text.
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.options["breaks"] = True  # a new line typed is a new line shown
    rules = {rule for feature in FEATURES for rule in feature.rules}
    md.enable(sorted(rules | set(BASE_RULES)))
    return md


_md = _parser()


def help_text():
    """The one line under the message field, from the features marked for it."""
    examples = ", ".join(str(feature.typed) for feature in FEATURES if feature.in_summary)
    return gettext(
        "Markdown: %(examples)s (more in “How to format” below). "
        "Mention someone with @ and their handle."
    ) % {"examples": examples}


help_text_lazy = lazy(help_text, str)


def mentioned_handles(source):
    """The handles named with @ in a Markdown source, lower-cased, in order, once each."""
    seen = []
    for match in MENTION.finditer(source or ""):
        handle = match.group(1).lower()
        if handle not in seen:
            seen.append(handle)
    return seen


def _text(content):
    token = Token("text", "", 0)
    token.content = content
    return token


def _link(href, children):
    opening = Token("link_open", "a", 1)
    opening.attrSet("href", href)
    return [opening, *children, Token("link_close", "a", -1)]


def _inline_blocks(tokens):
    return [block for block in tokens if block.type == "inline" and block.children]


def _with_link_depth(block):
    """Each child token of an inline ``block``, with how many links it is inside (a
    ``link_open`` counts itself)."""
    depth = 0
    for token in block.children:
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
        yield token, depth


def _shape_headings(tokens):
    """Markdown's six levels become the message's two (see the module's docstring)."""
    opened = [token for token in tokens if token.type == "heading_open"]
    if not opened:
        return
    top = min(token.tag for token in opened)
    upper, lower = (f"h{level}" for level in HEADING_LEVELS)
    current, first = upper, True
    for token in tokens:
        if token.type == "heading_open":
            current = upper if first or token.tag == top else lower
            first = False
            token.tag = current
        elif token.type == "heading_close":
            token.tag = current


def _images_to_links(tokens):
    """``![description](address)`` becomes a link to the address (inside a link, its text)."""
    for block in _inline_blocks(tokens):
        children = []
        for token, in_link in _with_link_depth(block):
            if token.type != "image":
                children.append(token)
                continue
            address = token.attrGet("src") or ""
            label = list(token.children or []) or [_text(address)]
            children += label if in_link or not address else _link(address, label)
        block.children = children


def _link_bare_addresses(tokens):
    """An http(s) address typed alone becomes a link, outside links and code."""
    for block in _inline_blocks(tokens):
        children = []
        for token, in_link in _with_link_depth(block):
            if token.type != "text" or in_link or "://" not in token.content:
                children.append(token)
                continue
            position = 0
            for match in BARE_ADDRESS.finditer(token.content):
                address = match.group(0)
                while address and address[-1] in TRAILING:
                    if address[-1] == ")" and address.count("(") >= address.count(")"):
                        break
                    address = address[:-1]
                href = _md.normalizeLink(address)
                if not _md.validateLink(href) or address.endswith("://"):
                    continue
                if match.start() > position:
                    children.append(_text(token.content[position : match.start()]))
                children += _link(href, [_text(address)])
                position = match.start() + len(address)
            if position < len(token.content):
                children.append(_text(token.content[position:]))
        block.children = children


def _mark_mentions(tokens, handles):
    """Wrap known @handles of text tokens (outside links and code) in <span class="mention">."""
    for block in _inline_blocks(tokens):
        children = []
        for token, in_link in _with_link_depth(block):
            if token.type != "text" or in_link or "@" not in token.content:
                children.append(token)
                continue
            position = 0
            for match in MENTION.finditer(token.content):
                if match.group(1).lower() not in handles:
                    continue
                if match.start() > position:
                    children.append(_text(token.content[position : match.start()]))
                open_span = Token("span_open", "span", 1)
                open_span.attrSet("class", "mention")
                children += [open_span, _text(match.group(0)), Token("span_close", "span", -1)]
                position = match.end()
            if position < len(token.content):
                children.append(_text(token.content[position:]))
        block.children = children


def _parse(source):
    tokens = _md.parse(source or "")
    _shape_headings(tokens)
    return tokens


def render(source, *, handles=()):
    """Sanitised HTML for a Markdown source; ``handles`` are the @mentions to highlight."""
    tokens = _parse(source)
    _images_to_links(tokens)
    _link_bare_addresses(tokens)
    if handles:
        _mark_mentions(tokens, {h.lower() for h in handles})
    html = _md.renderer.render(tokens, _md.options, {})
    return sanitise(html)


def remarks(source):
    """What will not look as typed, in words for the person writing (the preview shows them)."""
    pictures, typed_html = 0, False
    for block in _inline_blocks(_parse(source)):
        for token in block.children:
            pictures += token.type == "image"
            typed_html = typed_html or (
                token.type == "text" and TYPED_HTML.search(token.content) is not None
            )
    found = []
    if pictures:
        found.append(
            ngettext(
                "The picture written in your text is shown as a link to its address: "
                "pictures are only shown when they are attached to the message.",
                "The %(count)d pictures written in your text are shown as links to their "
                "addresses: pictures are only shown when they are attached to the message.",
                pictures,
            )
            % {"count": pictures}
        )
    if typed_html:
        found.append(gettext("HTML tags are shown as typed: use Markdown to format your message."))
    return found


def sanitise(html):
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )


_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def headings_below(html, level):
    """A rendered message's headings moved to sit under a heading of ``level`` (they are
    stored under an h3). Stored HTML is sanitised: its headings carry no attribute."""
    shift = level + 1 - HEADING_LEVELS[0]
    if not shift:
        return html
    return _HEADING_TAG.sub(
        lambda match: f"<{match.group(1)}h{max(1, min(6, int(match.group(2)) + shift))}>", html
    )


def count_links(source):
    return len(LINK.findall(source or ""))


def content_hash(source):
    normalised = " ".join((source or "").split()).casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()


def quote_markdown(post):
    """The Markdown that quotes a post in a reply: its source as a block quote."""
    lines = (post.source or "").strip().splitlines() or [""]
    return "\n".join("> " + line for line in lines) + "\n\n"
