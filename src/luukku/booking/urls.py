"""Pages of the booking capability."""

from django.urls import path

from luukku.booking import views

app_name = "booking"
urlpatterns = [
    path("book/", views.search, name="search"),
    path("book/manage/<str:token>/", views.manage, name="manage"),
    path("book/confirm/", views.confirm, name="confirm"),
    path("book/done/", views.done, name="done"),
    path("book/manage/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path(
        "book/manage/<str:token>/reschedule/<str:code>/",
        views.manage_reschedule,
        name="manage_reschedule",
    ),
]
