"""Settings of the contract-test server: no database, no sessions, loopback only."""
import hashlib
import json

from app.choices import ASPECT_RATIO_CHOICES, MODEL_VERSION_CHOICES

SECRET_KEY = "contract-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "app.urls"
WSGI_APPLICATION = "app.wsgi.application"
USE_TZ = True
TIME_ZONE = "UTC"
# The serializer is used alone: nothing is stored.
DATABASES = {}
INSTALLED_APPS = ["rest_framework", "drf_spectacular", "app"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
# Room for the 8,000-character texts (three bytes each, percent-encoded in forms).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["app.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # django.contrib.auth is not installed: an unauthenticated request has no user object.
    "UNAUTHENTICATED_USER": None,
}


def _collision_name(field, choices):
    """The name drf-spectacular gives a choice set whose field name other choice sets share.

    Creatify's API has other serializers with `model_version` and `aspect_ratio` fields and other
    choices, so drf-spectacular named these two `{Field}{hash[:3]}Enum`. This app has only one
    serializer, so the names are set here the way drf-spectacular made them, from a hash of the
    (value, label) pairs: the comparison with the vendor's spec then also checks labels and order.
    The vendor's drf-spectacular hashed the pairs in their declared order; 0.30 sorts them first
    (`drf_spectacular.plumbing.list_hash`), which for `model_version` would give `A5b`, not `699`.
    """
    digest = hashlib.sha256(json.dumps(list(choices), sort_keys=True).encode()).hexdigest()
    return f"{field}{digest[:3].capitalize()}Enum"


SPECTACULAR_SETTINGS = {
    "TITLE": "creatify.ai API",
    "DESCRIPTION": "API for creatify.ai",
    "VERSION": "1.0.0",
    # What drf-spectacular finds as the common prefix of Creatify's many paths; with one path it
    # would take the whole path, and the operation id and tag would differ.
    "SCHEMA_PATH_PREFIX": r"/api/",
    "ENUM_NAME_OVERRIDES": {
        _collision_name("ModelVersion", MODEL_VERSION_CHOICES): "app.choices.MODEL_VERSION_CHOICES",
        _collision_name("AspectRatio", ASPECT_RATIO_CHOICES): "app.choices.ASPECT_RATIO_CHOICES",
    },
}
