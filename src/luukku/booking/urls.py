"""Pages of the booking capability."""

from django.urls import path

from luukku.booking import manage_views, views

app_name = "booking"
urlpatterns = [
    path("book/", views.search, name="search"),
    path("book/confirm/", views.confirm, name="confirm"),
    path("book/done/", views.done, name="done"),
    path("book/manage/<str:token>/", manage_views.manage, name="manage"),
    path("book/manage/<str:token>/cancel/", manage_views.manage_cancel, name="manage_cancel"),
    path(
        "book/manage/<str:token>/cancel/<str:code>/",
        manage_views.manage_cancel_leg,
        name="manage_cancel_leg",
    ),
    path("book/manage/<str:token>/move/", manage_views.manage_move, name="manage_move"),
    path(
        "book/manage/<str:token>/reschedule/<str:code>/",
        manage_views.manage_reschedule,
        name="manage_reschedule",
    ),
]
