"""The one rule of what a forum message may contain (``forums.markup.FEATURES``): headings are
rendered at the levels of the page's outline, pictures from addresses become links and load
nothing, and the parser, the sanitiser and the help under the field all come from it."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from forums import markup
from forums.forms import EditForm, PostForm, TopicForm

pytestmark = pytest.mark.django_db


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def tags_of(html):
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_headings_take_the_two_levels_below_the_heading_of_their_message():
    html = markup.render("# Le camion\n\ntexte\n\n## Les horaires\n\n### Le mardi\n\nfin")
    assert tags_of(html) == ["h4", "p", "h5", "h5", "p"]
    assert "<h4>Le camion</h4>" in html and "<h5>Les horaires</h5>" in html
    # A message starting deeper still starts one level under its own heading, never two.
    assert markup.render("### Seul titre").startswith("<h4>Seul titre</h4>")
    assert tags_of(markup.render("### Un\n\n# Deux\n\n## Trois")) == ["h4", "h4", "h5"]
    # Only "#" makes a heading: the "--" of a signature under a line does not.
    assert markup.render("Merci\n--\nLéa") == "<p>Merci<br>\n--<br>\nLéa</p>\n"


def test_a_message_shown_under_another_heading_moves_its_headings_with_it():
    html = markup.render("# Un\n\n## Deux")
    assert markup.headings_below(html, 3) == html
    assert markup.headings_below(html, 2) == "<h3>Un</h3>\n<h4>Deux</h4>\n"
    assert markup.headings_below(html, 1) == "<h2>Un</h2>\n<h3>Deux</h3>\n"


def test_a_picture_from_an_address_becomes_a_link_and_loads_nothing():
    html = markup.render("Le marché : ![Étals du samedi](https://photos.example/marche.jpg) !")
    assert "<img" not in html
    assert "!<a" not in html and "![" not in html
    assert (
        '<a href="https://photos.example/marche.jpg" rel="nofollow ugc noopener noreferrer">'
        "Étals du samedi</a>" in html
    )
    # Without a description, the address is the link's text; inside a link, the description.
    assert ">https://photos.example/a.png</a>" in markup.render("![](https://photos.example/a.png)")
    linked = markup.render("[![plan](https://x.example/p.png)](https://x.example/plan)")
    assert linked.count("<a ") == 1 and ">plan</a>" in linked
    # An unsafe address is no picture and no link: the text stays as typed.
    assert "<a" not in markup.render("![x](javascript:alert(1))")


def test_the_preview_remarks_say_what_will_not_look_as_typed():
    with translation.override("en"):
        assert markup.remarks("**gras** et [lien](https://a.example)") == []
        (pictures,) = markup.remarks("![a](https://a.example/1.png) ![b](https://a.example/2.png)")
        assert pictures.startswith("The 2 pictures written in your text are shown as links")
        assert markup.remarks("du <b>HTML</b>") == [
            "HTML tags are shown as typed: use Markdown to format your message."
        ]
        assert markup.remarks("`<b>` dans du code") == []


def test_addresses_typed_alone_are_links_and_new_lines_are_kept():
    html = markup.render("Voir https://essaim.example/forums/ (et https://a.example/x_(y)).\nMerci")
    assert '<a href="https://essaim.example/forums/"' in html
    assert '<a href="https://a.example/x_(y)"' in html and "</a>).<br>" in html
    assert "<code>https://x.example</code>" in markup.render("`https://x.example`")


def test_the_parser_the_sanitiser_and_the_help_come_from_one_rule():
    produced = set()
    for feature in markup.FEATURES:
        source = str(feature.typed).replace("…", "essaim.example")
        if not feature.literal:  # "A new line", in words
            source = "une ligne\nune autre"
        if feature.typed == "---":
            source = "texte\n\n---"
        if "| a | b |" in str(feature.typed):
            source = f"{feature.typed}\n| --- | --- |\n| 1 | 2 |"
        tags = set(tags_of(markup.render(source, handles=markup.mentioned_handles(source))))
        # Every feature gives the elements it declares, and nothing else.
        assert tags - markup.BASE_TAGS <= feature.tags, feature
        produced |= tags
    # The variants the guide names in words: numbered lists, sub-headings, code blocks.
    produced |= set(tags_of(markup.render("1. un\n\n# Titre\n\n## Sous-titre\n\n    code")))
    # The parser produces exactly what the sanitiser allows, and the sanitiser nothing else.
    assert produced == markup.ALLOWED_TAGS
    cleaned = markup.sanitise('<h1>a</h1><h4>b</h4><h6>c</h6><img src="/x.png"><del>d</del>')
    assert cleaned == "a<h4>b</h4>cd"
    rules = set(markup._md.get_active_rules()["block"] + markup._md.get_active_rules()["inline"])
    wanted = {rule for feature in markup.FEATURES for rule in feature.rules}
    assert wanted <= rules and not rules & {"html_block", "html_inline", "linkify"}
    # The help under the field and the guide below it are written from the same features.
    with translation.override("fr"):
        help_text = str(PostForm().fields["body"].help_text)
        for feature in markup.FEATURES:
            if feature.in_summary:
                assert str(feature.typed) in help_text
    assert TopicForm.formatting is EditForm.formatting is markup.FEATURES


def test_the_formatting_guide_is_under_every_message_field(client, public, member, make_topic):
    topic = make_topic(public, member)
    client.force_login(member)
    for url in (
        "/en/forums/c/alimentation/new/",
        f"/en/forums/t/{topic.pk}/",
        f"/en/forums/t/{topic.pk}/reply/",
        f"/en/forums/p/{topic.posts.get().pk}/edit/",
    ):
        html = client.get(url).content.decode()
        guide = re.search(r'<details class="formatting">.*?</details>', html, re.S).group(0)
        assert "<code>## Heading</code>" in guide, url
        assert "<code>![description](https://…)</code>" in guide
        assert "a link to the picture, not the picture" in guide


def test_stored_messages_keep_their_heading_levels_on_the_history_and_report_pages(
    client, public, member, other, make_topic
):
    topic = make_topic(public, member, source="# Ordre du jour\n\n## Budget\n\nPoint un.")
    post = topic.posts.get()
    page = client.get(f"/en/forums/t/{topic.pk}/").content.decode()
    assert "<h4>Ordre du jour</h4>" in page and "<h5>Budget</h5>" in page
    history = client.get(f"/en/forums/p/{post.pk}/history/").content.decode()
    assert "<h3>Ordre du jour</h3>" in history and "<h4>Budget</h4>" in history
    client.force_login(other)
    report = client.get(f"/en/forums/p/{post.pk}/report/").content.decode()
    assert "<h2>Ordre du jour</h2>" in report and "<h3>Budget</h3>" in report
