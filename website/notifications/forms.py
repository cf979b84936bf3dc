from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Subscriber


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = ["frequency", "reminder_hours"]
        widgets = {"frequency": forms.RadioSelect, "reminder_hours": forms.RadioSelect}
        labels = {"frequency": _("News of what you follow: new events, forum messages")}

    def __init__(self, *args, with_reminders=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reminder_hours"].label = _("Reminders before the events you registered for")
        if not with_reminders:
            # Registering takes an account: an address alone never gets reminders.
            del self.fields["reminder_hours"]
