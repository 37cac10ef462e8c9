"""Pages of the planning capability."""

from django.urls import path  # noqa: F401

app_name = "planning"
urlpatterns: list = []
