"""Pages of "I need help" (luukku.advice.help): the kiosk's button and the staff's list."""

from django.urls import path

from luukku.advice import help_views

app_name = "help"
urlpatterns = [
    path("sites/<slug:slug>/help/", help_views.ask, name="ask"),
    path("advice/help/", help_views.help_list, name="list"),
    path("advice/help/<int:pk>/take/", help_views.take, name="take"),
]
