"""The info desk's one-click contact record: the form behind the outcome buttons."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luukku.advice.models import ContactChannel, LifeEvent, Outcome, Persona
from luukku.queueing.kiosk_i18n import KIOSK_LANGUAGES
from luukku.registry.models import Service, Site

#: The page's start time rides in the form, signed, so a duration cannot be made up.
STARTED_SALT = "luukku.advice.started"

#: The customer's language: the kiosk's languages, and any other.
CONTACT_LANGUAGES = [*KIOSK_LANGUAGES, ("other", _("other"))]


def started_token(at: datetime | None = None) -> str:
    return signing.dumps(int((at or timezone.now()).timestamp()), salt=STARTED_SALT)


def started_from(token: str) -> datetime | None:
    """The time in a started token, or None if it is not one of ours."""
    try:
        value = signing.loads(token, salt=STARTED_SALT, max_age=24 * 3600)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return datetime.fromtimestamp(int(value), tz=timezone.get_current_timezone())


class ContactForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices)
    service = forms.ModelChoiceField(
        label=_("service"),
        queryset=Service.objects.select_related("agency"),
        to_field_name="code",
        required=False,
    )
    life_event = forms.ModelChoiceField(
        label=_("life event"),
        queryset=LifeEvent.objects.all(),
        to_field_name="code",
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("channel"), choices=ContactChannel.choices, initial=ContactChannel.IN_PERSON
    )
    language = forms.ChoiceField(label=_("language"), choices=CONTACT_LANGUAGES, initial="fi")
    persona = forms.ChoiceField(
        label=_("persona"), choices=[("", "—"), *Persona.choices], required=False
    )
    site = forms.ModelChoiceField(label=_("service point"), queryset=Site.objects.none())
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        only = list(sites[:2])
        if len(only) == 1:
            self.fields["site"].initial = only[0]

    def clean_started(self) -> datetime:
        at = started_from(self.cleaned_data["started"])
        if at is None:
            raise forms.ValidationError(_("The page is too old: search again and record."))
        return at
