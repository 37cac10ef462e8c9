from django.urls import path

from luukku.web import point_views, views

app_name = "web"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("sites/", point_views.site_list, name="site_list"),
    path("sites/<slug:slug>/", point_views.site_detail, name="site_detail"),
    path("accessibility/", point_views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
