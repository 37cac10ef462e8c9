"""Pages of the booking capability."""

from django.urls import path

from luukku.booking import views

app_name = "booking"
urlpatterns = [
    path("book/", views.search, name="search"),
    path("book/manage/<str:token>/", views.manage, name="manage"),
]
