"""Pages of the booking capability."""

from django.urls import path  # noqa: F401

app_name = "booking"
urlpatterns: list = []
