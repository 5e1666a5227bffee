"""The two API-key headers the spec's security requires together, and how drf-spectacular describes them."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

# The credentials the contract test's client is built with.
API_ID = "drf-contract-id"
API_KEY = "drf-contract-key"


class ApiClient:
    """The caller, once both headers match."""

    is_authenticated = True


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Both `X-API-ID` and `X-API-KEY` must be sent, and match."""

    def authenticate(self, request):
        api_id = request.headers.get("X-API-ID")
        api_key = request.headers.get("X-API-KEY")
        if api_id is None and api_key is None:
            return None
        if api_id != API_ID or api_key != API_KEY:
            raise exceptions.AuthenticationFailed("Invalid X-API-ID or X-API-KEY.")
        return ApiClient(), None

    def authenticate_header(self, request):
        return "X-API-KEY"


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Two header schemes that go together (one security requirement with both)."""

    target_class = "app.auth.ApiKeyAuthentication"
    name = ["X-API-ID", "X-API-KEY"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "X-API-ID", "description": "API ID, from your settings page."},
            {"type": "apiKey", "in": "header", "name": "X-API-KEY", "description": "API Key, from your settings page."},
        ]
