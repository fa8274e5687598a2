"""A URLconf with one view that fails, to see the 500 page as a citizen would."""

from django.urls import path


def boom(request):
    raise RuntimeError("deliberate failure for the 500-page test")


urlpatterns = [path("boom/", boom)]
handler500 = "django.views.defaults.server_error"
