"""Pages of the feedback capability."""

from django.urls import path

from luukku.feedback import views

app_name = "feedback"
urlpatterns = [path("sites/<slug:slug>/feedback/", views.give, name="give")]
