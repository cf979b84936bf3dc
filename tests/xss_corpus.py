"""An XSS corpus for the browser tests, and the probes that tell whether any of it ran.

Every payload that could run calls ``__xss("<id>")``. The browser context defines that
function before any page script (``INIT_SCRIPT``), so a payload that runs leaves its id in
``window.__xssHits``; ``DOM_PROBE`` also finds payloads that became live markup without
running yet (an ``on…`` attribute, a ``javascript:`` link nobody clicked, a script element
added after load). Payloads are short enough to be combined in the fields they go to.
"""

MARKER = "__xss"

PAYLOADS = {
    # Classic element injection.
    "script": "<script>__xss('script')</script>",
    "img": "<img src=x onerror=__xss('img')>",
    "svg": "<svg onload=__xss('svg')>",
    "details": "<details open ontoggle=__xss('details')>",
    "iframe": "<iframe srcdoc=\"<script>parent.__xss('iframe')</script>\"></iframe>",
    # Breaking out of an attribute or of an element whose content is raw text.
    "breakout": "\"><script>__xss('breakout')</script>",
    "attr_double": '" autofocus onfocus="__xss(`attr_double`)" x="',
    "attr_single": "' autofocus onfocus='__xss(`attr_single`)' x='",
    "raw_text": "</title></textarea></style><img src=x onerror=__xss('raw_text')>",
    # Inside a JSON-LD data block: closing the element would start a real script.
    "json_ld": "</script><script>__xss('json_ld')</script><!--",
    # URLs in link fields.
    "javascript_url": "javascript:__xss('javascript_url')",
    # Templates that would evaluate the text: a rendered 49 would give it away.
    "template": "{{ 7|add:42 }} {% now 'Y' %} ${7*7} #{7*7}",
    # Invisible and right-to-left characters: shown as typed, never a way out.
    "unicode": "\u202eevil\u202c \u200b\u2066gnp.exe\u2069 \ufeff\u00a0",
    # Old CSS tricks: an expression() or a javascript: URL in a style attribute.
    "css": (
        "<b style=\"background:url('javascript:__xss(`css`)');"
        "width:expression(__xss('css'))\">c</b>"
    ),
    # Line breaks that a text format must escape (iCalendar, CSV, mail headers).
    "newline": "L1\r\nX-INJECTED:yes\r\nATTENDEE:mailto:evil@evil.example\r\n",
}

# Shorter combinations for the fields that take 40 to 80 characters.
SHORT = "\"><img src=x onerror=__xss('short')>"
TINY = "<svg onload=__xss(1)>"


def corpus(*names, prefix=""):
    """The named payloads (all of them by default) joined by a space, after ``prefix``."""
    names = names or tuple(PAYLOADS)
    return prefix + " ".join(PAYLOADS[name] for name in names)


INIT_SCRIPT = """
(() => {
    const hits = [];
    Object.defineProperty(window, "__xssHits", { value: hits });
    window.__xss = (id) => { hits.push(String(id)); };
})();
"""

# Returns what turned into live markup: a list of descriptions, empty when nothing did.
DOM_PROBE = """
() => {
    const found = [];
    const marker = "__xss";
    const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"];
    for (const element of document.querySelectorAll("*")) {
        for (const attribute of element.attributes) {
            const name = attribute.name.toLowerCase();
            const value = attribute.value;
            if (!value.includes(marker)) continue;
            const trimmed = value.trim().toLowerCase();
            if (name.startsWith("on") || name === "style" || name === "srcdoc") {
                found.push(`${element.tagName} ${name}=${value}`);
            } else if (urlAttributes.includes(name)
                && (trimmed.startsWith("javascript:") || trimmed.startsWith("data:"))) {
                found.push(`${element.tagName} ${name}=${value}`);
            }
        }
    }
    for (const script of document.scripts) {
        const type = (script.type || "").toLowerCase();
        const data = type === "application/ld+json" || type === "application/json";
        if (!data && script.textContent.includes(marker)) {
            found.push(`SCRIPT ${script.textContent.slice(0, 80)}`);
        }
    }
    for (const meta of document.querySelectorAll("meta[http-equiv]")) {
        if (meta.content.includes(marker)) found.push(`META ${meta.content}`);
    }
    return found;
}
"""

# Every JSON-LD block of the page, parsed; an unparsable block comes back as {"error": ...}.
JSON_LD_PROBE = """
() => Array.from(document.querySelectorAll('script[type="application/ld+json"]')).map((s) => {
    try { return JSON.parse(s.textContent); } catch (error) { return { error: String(error) }; }
})
"""
