"""Staff pages of the booking capability (mounted at /staff/)."""

from django.urls import path

from luukku.booking import staff_views

app_name = "staff"
urlpatterns = [
    path("bookings/", staff_views.booking_list, name="bookings"),
    path("bookings/<str:code>/", staff_views.booking_detail, name="booking"),
    path("bookings/<str:code>/contact/", staff_views.booking_contact, name="contact"),
    path("bookings/<str:code>/check-in/", staff_views.booking_check_in, name="check_in"),
    path("bookings/<str:code>/cancel/", staff_views.booking_cancel, name="cancel"),
]
