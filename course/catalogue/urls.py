from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.home, name="home"),
    path("modules/", views.module_list, name="module-list"),
    path("modules/<slug:slug>/", views.module_detail, name="module-detail"),
    path("faq/", views.faq, name="faq"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("search/", views.search, name="search"),
]
