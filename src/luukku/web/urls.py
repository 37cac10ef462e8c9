from django.urls import path

from luukku.web import views

app_name = "web"
urlpatterns = [
    path("", views.landing, name="landing"),
]
