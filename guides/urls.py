from django.urls import path

from guides.checker import views as checker_views
from guides.directory import views as directory_views
from guides.feedback import views as feedback_views
from guides.search import views as search_views
from guides.web import views

app_name = "guides"

urlpatterns = [
    path("", views.home, name="home"),
    path("guides/<slug:cert>/", views.certificate, name="certificate"),
    path("guides/<slug:cert>/<slug:situation>/", views.guide, name="guide"),
    path("guides/<slug:cert>/<slug:situation>/<slug:region>/", views.guide, name="guide_region"),
    path("certificates/", directory_views.index, name="directory"),
    path("certificates/<slug:slug>/", directory_views.entry, name="directory_entry"),
    path("search/", search_views.search_page, name="search"),
    path("feedback/", feedback_views.feedback_page, name="feedback"),
    path("feedback/thanks/", feedback_views.feedback_thanks, name="feedback_thanks"),
]

urlpatterns += [
    path("check/", checker_views.start, name="check_start"),
    path("check/result/", checker_views.result, name="check_result"),
    path("check/<slug:slug>/", checker_views.question, name="check_question"),
]
