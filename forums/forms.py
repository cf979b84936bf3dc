"""Forms of the forums. They check shapes; the rules (rate, links, duplicates, rights) are the
services', whose refusals the views put back on the form with the text kept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import markup
from .models import ModerationDecision, Report


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": FILE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


FILE_ACCEPT = "image/png,image/jpeg,image/gif,image/webp,application/pdf"

# Written from the one rule of what a message may contain (forums.markup.FEATURES).
BODY_HELP = markup.help_text_lazy()


class MessageForm(forms.Form):
    """A form with a message. Sent with its "Preview" button, only the message is checked:
    the other fields are kept as typed and checked when the message is posted."""

    # The formatting guide under the field is written from the same rule as its help.
    formatting = markup.FEATURES

    def __init__(self, *args, preview=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.preview = preview
        if preview:
            for name, field in self.fields.items():
                if name != "body":
                    field.required = False


class PostForm(MessageForm):
    body = forms.CharField(
        label=_("Message"),
        max_length=20000,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write a message.")},
    )
    quoted = forms.IntegerField(required=False, widget=forms.HiddenInput)
    files = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("Images (PNG, JPEG, GIF, WebP) or PDF documents, up to 5 MB each."),
    )


class TopicForm(PostForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=160,
        error_messages={"required": _("Give the topic a title.")},
    )
    field_order = ["title", "body", "files"]


class EditForm(MessageForm):
    body = PostForm.base_fields["body"]


class CloseForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"),
        max_length=5000,
        help_text=_("What was decided or learnt: it is shown at the top of the topic."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write a conclusion: what was decided or learnt.")},
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you report this message?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )
    comment = forms.CharField(
        label=_("Details for the moderators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words to look for"), required=False, max_length=200)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=ModerationDecision.Action.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for this decision.")},
    )
