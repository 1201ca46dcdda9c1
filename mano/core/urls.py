from __future__ import annotations

from django.urls import path

from mano.core import views

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
]
