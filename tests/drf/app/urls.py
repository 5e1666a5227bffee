"""The one route of the contract-test server."""
from django.urls import path

from app.views import LipsyncPreviewView

urlpatterns = [path("api/lipsyncs/preview/", LipsyncPreviewView.as_view())]
