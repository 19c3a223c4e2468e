"""System checks of the deployment that the sign-in lockout and the rate limits rely on."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_proxy_forwards_the_client_address(app_configs, **kwargs):
    """Behind a proxy (BEHIND_TLS_PROXY), REMOTE_ADDR is the proxy's for everyone: unless
    TRUSTED_PROXY_COUNT says to read X-Forwarded-For, all clients are one address, and five
    wrong passwords from anyone lock a coordinator out for everybody."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXY_COUNT <= 0:
        return [
            Warning(
                "BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: every client has the"
                " proxy's address, so the sign-in lockout and the limits per address treat"
                " all clients as one (anyone can lock an account out for everybody).",
                hint=(
                    "Set TRUSTED_PROXY_COUNT to the number of proxies in front of the portal"
                    " that append the client's address to X-Forwarded-For (1 for one)."
                ),
                id="portal.W001",
            )
        ]
    return []
