from django.urls import path

from . import views, views_checker

app_name = "guides"

urlpatterns = [
    path("", views.home, name="home"),
    path("guides/<slug:cert>/", views.certificate, name="certificate"),
    path("guides/<slug:cert>/<slug:situation>/", views.guide, name="guide"),
    path("guides/<slug:cert>/<slug:situation>/<slug:region>/", views.guide, name="guide_region"),
    path("search/", views.search_page, name="search"),
    path("feedback/", views.feedback_page, name="feedback"),
    path("feedback/thanks/", views.feedback_thanks, name="feedback_thanks"),
]

urlpatterns += [
    path("check/", views_checker.start, name="check_start"),
    path("check/result/", views_checker.result, name="check_result"),
    path("check/<slug:slug>/", views_checker.question, name="check_question"),
]
