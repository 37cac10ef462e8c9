"""Customer booking pages (placeholder views replaced by the booking pages)."""

from django.shortcuts import render


def search(request):
    return render(request, "booking/search.html", {})


def manage(request, token):
    return render(request, "booking/manage.html", {"token": token})
