"""The registration pages are tested over HTTPS, like the configured base URL."""

from tests.support.http import https_client_fixture  # noqa: F401 (`client`, over HTTPS)
