"""Pages of the queueing capability."""

from django.urls import path

from luukku.queueing import desk_views, views

app_name = "queueing"
urlpatterns = [
    path("sites/<slug:slug>/kiosk/", views.kiosk, name="kiosk"),
    path("sites/<slug:slug>/kiosk/take/", views.kiosk_take, name="take"),
    path("sites/<slug:slug>/kiosk/check-in/", views.kiosk_check_in, name="check_in"),
    path("sites/<slug:slug>/kiosk/t/<str:token>/", views.kiosk_ticket, name="ticket"),
    path("sites/<slug:slug>/display/", views.display, name="display"),
    path("sites/<slug:slug>/display/status/", views.display_status, name="display_status"),
    path("sites/<slug:slug>/display/events/", views.display_events, name="display_events"),
    path("desk/", desk_views.desk, name="desk"),
    path("desk/session/", desk_views.desk_session, name="desk_session"),
    path("desk/<slug:action>/", desk_views.desk_action, name="desk_action"),
    path(
        "desk/tickets/<int:ticket_id>/<slug:action>/",
        desk_views.desk_action,
        name="desk_ticket_action",
    ),
]
