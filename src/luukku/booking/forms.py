"""Forms of the customer booking pages: what the customer asks for, and how to reach them."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luukku.booking.models import Channel
from luukku.booking.selectors import HELSINKI
from luukku.core.contact import EMAIL_MAX, NAME_MAX, PHONE_INPUT_MAX, InvalidPhone, phone_e164

#: Interpreter languages, each named in itself so that a customer can find their own.
INTERPRETER_LANGUAGES = [
    ("ar", "العربية"),
    ("fa", "فارسی"),
    ("so", "Soomaali"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("et", "Eesti"),
    ("ku", "Kurdî"),
    ("ti", "ትግርኛ"),
    ("th", "ไทย"),
    ("vi", "Tiếng Việt"),
    ("en", "English"),
]
MESSAGE_LANGUAGES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]


def today() -> date:
    return timezone.localdate(timezone=HELSINKI)


def horizon_days() -> int:
    """How many days ahead times are offered and booked (the published booking horizon)."""
    return settings.LUUKKU_BOOKING_HORIZON_DAYS


def last_bookable_day() -> date:
    return today() + timedelta(days=horizon_days())


class AccessibleErrorsMixin:
    """Point every invalid input at its message (``aria-describedby``) and mark it invalid."""

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        names = error.keys() if field is None and isinstance(error, dict) else [field]
        for name in names:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"


class SearchForm(AccessibleErrorsMixin, forms.Form):
    """Step 1 and 2: which service, where, how, for whom, from which day."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    service = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)
    site = forms.ChoiceField(label=_("Service point"), required=False)
    channel = forms.ChoiceField(
        label=_("How do you want to meet?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[("", _("Either way")), *Channel.choices],
    )
    group_size = forms.IntegerField(
        label=_("How many people are coming?"),
        required=False,
        min_value=1,
        max_value=12,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    accessible = forms.BooleanField(label=_("I need wheelchair access"), required=False)
    interpreter = forms.ChoiceField(
        label=_("I need an interpreter: language"),
        required=False,
        choices=[("", _("No interpreter")), *INTERPRETER_LANGUAGES],
    )
    day = forms.DateField(
        label=_("Show times from this day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    also = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, sites=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", _("Any service point"))] + [
            (s.slug, s.name) for s in sites
        ]
        self.fields["also"].choices = [(s.code, s.code) for s in services]
        first, last = today(), last_bookable_day()
        self.fields["day"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())

    def clean_group_size(self) -> int:
        return self.cleaned_data["group_size"] or 1

    def clean_day(self) -> date:
        day = self.cleaned_data["day"] or today()
        if day < today():
            raise forms.ValidationError(_("This day is in the past. Choose today or later."))
        if day > last_bookable_day():
            raise forms.ValidationError(
                _("You can book at most %(n)s days ahead.") % {"n": horizon_days()}
            )
        return day

    def clean_also(self) -> list[str]:
        also = list(dict.fromkeys(self.cleaned_data["also"]))
        if len(also) > 2:
            raise forms.ValidationError(_("One visit can have at most three services."))
        return also


class ContactForm(AccessibleErrorsMixin, forms.Form):
    """Step 3: only a name and one way to reach the customer."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX,
        error_messages={"required": _("Give a name for the booking.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=PHONE_INPUT_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=EMAIL_MAX,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the messages"),
        choices=MESSAGE_LANGUAGES,
        widget=forms.RadioSelect,
    )

    def clean_phone(self) -> str:
        """Stored in E.164; a number without a country code is Finnish (040 123 4567)."""
        try:
            return phone_e164(self.cleaned_data["phone"])
        except InvalidPhone:
            raise forms.ValidationError(_("Type a phone number, e.g. 040 123 4567.")) from None

    def clean(self):
        data = super().clean()
        if not (data.get("phone", "").strip() or data.get("email", "").strip()):
            if "phone" not in self.errors and "email" not in self.errors:
                self.add_error(
                    "phone", _("Give a phone number or an e-mail address for the confirmation.")
                )
        return data
