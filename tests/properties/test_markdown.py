"""Forum Markdown: whatever people type, the HTML shown has only allowed elements, no event
handler, no script or data address, and sanitising it again changes nothing; its headings
keep the page's outline and no picture is loaded from an address.

Negative control: with ``forums.markup`` rendering through markdown-it with ``"html": True``
and no nh3 pass, ``<script``, ``onerror=`` and ``javascript:`` fragments come straight out,
and these properties fail at once (their first examples are those fragments).
"""

import html.parser
import re

from django.template import Context, Template
from hypothesis import example, given
from hypothesis import strategies as st

from forums.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, HEADING_LEVELS, render, sanitise
from tests.properties.conftest import examples

DANGEROUS = [
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox",
    " onerror=alert(1)",
    '" onmouseover="alert(1)',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=//evil.example>",
    "<a href=javascript:alert(1)>x</a>",
    'style="background:url(javascript:alert(1))"',
    "<style>*{}</style>",
    "<math><mi xlink:href=javascript:alert(1)>",
    "[x](javascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)\n\n[x]",
    "`<script>`",
    "```\n<script>\n```",
    "<!-- x --><script>",
    "@handle",
    "\x00",
    "\u202e",
]
MARKDOWN = [
    "**",
    "*",
    "_",
    "`",
    "> ",
    "- ",
    "1. ",
    "\n\n",
    "|a|b|\n|-|-|\n|c|d|\n",
    "[",
    "]",
    "(",
    ")",
    "# ",
    "### ",
    "\n===\n",
    "\n---\n",
    "![",
    "https://a.example/x",
    "\n",
]

fragments = st.lists(
    st.one_of(st.sampled_from(DANGEROUS), st.sampled_from(MARKDOWN), st.text(max_size=20)),
    max_size=12,
).map("".join)

BAD_SCHEMES = re.compile(r"^(javascript|data|vbscript|file):", re.IGNORECASE)


class Audit(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"element {tag}")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name}")
            elif name not in ALLOWED_ATTRIBUTES.get(tag, set()) and name != "rel":
                self.problems.append(f"attribute {name} on {tag}")
            if name in ("href", "src"):
                # What a browser reads: control characters and spaces are dropped.
                address = re.sub(r"[\x00-\x20]", "", value or "")
                if BAD_SCHEMES.match(address):
                    self.problems.append(f"address {value!r}")

    handle_startendtag = handle_starttag


def audit(output):
    parser = Audit()
    parser.feed(output)
    parser.close()
    return parser.problems


@examples(300)
@given(source=st.one_of(fragments, st.text(max_size=400)))
@example(source="".join(DANGEROUS))
def test_rendered_markdown_is_safe_and_stable(source):
    output = render(source, handles=["handle"])
    assert audit(output) == [], (source, output)
    assert "<script" not in output.lower()
    # Sanitising the stored HTML again (a revision, the mail) changes nothing.
    assert sanitise(output) == output


@examples(200)
@given(source=fragments)
@example(source="### a\n\n# b\n\n###### c\n\nd\n===\n\ne\n---")
def test_headings_keep_the_outline_of_the_page_and_pictures_load_nothing(source):
    """A message sits under an h3: its headings are h4 or h5, start at h4 and never go more
    than one level deeper than the one before; no picture is loaded from the text."""
    output = render(source)
    levels = [int(level) for level in re.findall(r"<h([1-6])>", output)]
    assert set(levels) <= set(HEADING_LEVELS), (source, output)
    previous = HEADING_LEVELS[0] - 1
    for level in levels:
        assert level <= previous + 1, (source, output)
        previous = level
    assert "<img" not in output


@examples(100)
@given(source=st.one_of(fragments, st.text(max_size=200)))
def test_plain_text_fields_shown_with_linebreaks_are_escaped(source):
    """Descriptions of actors, programmes and calls are plain text shown with Django's
    ``linebreaks`` (autoescaped): no element comes from the text but p and br."""
    output = Template("{{ text|linebreaks }}{{ text|linebreaksbr }}").render(
        Context({"text": source})
    )
    tags = set(re.findall(r"<\s*([a-zA-Z][\w:-]*)", output))
    assert tags <= {"p", "br"}, (source, output)
