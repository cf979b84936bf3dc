"""Markdown to safe HTML: markdown-it-py with raw HTML off, then nh3 with a short allow-list.

Two layers on purpose: markdown-it refuses raw HTML and unsafe link schemes, and nh3 removes
whatever the first layer might let through (it is the one that guarantees the output).
"""

import hashlib
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

# @ followed by a handle: letters, digits and hyphens, not glued to a word or an address.
MENTION = re.compile(r"(?<![\w@.])@([a-z0-9][a-z0-9-]{1,39})\b", re.IGNORECASE)
LINK = re.compile(r"https?://|www\.|mailto:", re.IGNORECASE)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _parser():
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Headings inside a post would break the page's heading outline: plain paragraphs instead.
    md.disable(["heading", "lheading", "image"])
    return md


_md = _parser()


def mentioned_handles(source):
    """The handles named with @ in a Markdown source, lower-cased, in order, once each."""
    seen = []
    for match in MENTION.finditer(source or ""):
        handle = match.group(1).lower()
        if handle not in seen:
            seen.append(handle)
    return seen


def _mark_mentions(tokens, handles):
    """Wrap known @handles of text tokens (outside links and code) in <span class="mention">."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children, in_link = [], 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
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


def _text(content):
    token = Token("text", "", 0)
    token.content = content
    return token


def render(source, *, handles=()):
    """Sanitised HTML for a Markdown source; ``handles`` are the @mentions to highlight."""
    tokens = _md.parse(source or "")
    if handles:
        _mark_mentions(tokens, {h.lower() for h in handles})
    html = _md.renderer.render(tokens, _md.options, {})
    return sanitise(html)


def sanitise(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
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
