"""The customer's own copy of their visit plan, by its signed link (no sign-in)."""

from django.urls import path

from luukku.advice import plan_views

app_name = "plans"
urlpatterns = [path("plans/<str:token>/", plan_views.plan_public, name="show")]
