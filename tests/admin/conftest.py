"""The back office is tested over HTTPS: outside development its session cookie is Secure."""

from tests.support.http import https_client_fixture  # noqa: F401 (`client`, over HTTPS)
