"""The portal's URLs and /bench/hello, the least a Django view can do, through the same
middleware: bench/load.py's yardstick for every page."""

from django.http import HttpResponse
from django.urls import path

from roadmap_portal import urls as portal

handler400 = portal.handler400
handler403 = portal.handler403
handler500 = portal.handler500


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *portal.urlpatterns]
