"""The public feedback page: at the kiosk, or from the link and QR code on a ticket."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from luukku.feedback.models import COMMENT_MAX, Feedback
from luukku.feedback.services import feedback_give
from luukku.queueing.kiosk_i18n import kiosk_language
from luukku.registry.models import Site


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        error_messages={"required": _("Choose a score."), "invalid_choice": _("Choose a score.")},
    )
    comment = forms.CharField(max_length=COMMENT_MAX, required=False, widget=forms.Textarea)
    t = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)
    source = forms.ChoiceField(choices=Feedback.Source.choices, widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
@kiosk_language
def give(request, slug: str):
    """A score of 1–5 and an optional comment; ``?t=`` (the ticket) names the agency."""
    site = get_object_or_404(Site, slug=slug)
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            cd = form.cleaned_data
            feedback_give(
                site=site,
                score=cd["score"],
                comment=cd["comment"],
                source=cd["source"],
                language=get_language() or "fi",
                ticket_token=cd["t"],
            )
            return render(request, "feedback/thanks.html", {"site": site})
        status = 400
    else:
        source = Feedback.Source.LINK if request.GET.get("t") else Feedback.Source.KIOSK
        form = FeedbackForm(initial={"t": request.GET.get("t", "")[:20], "source": source})
        status = 200
    return render(request, "feedback/give.html", {"site": site, "form": form}, status=status)
