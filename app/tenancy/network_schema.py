"""The tenant's link to its ISP's network: where service changes go, who may send usage.

Secrets never live in YAML (it is in git): the YAML names the environment variables that
hold them. The URL in YAML is the development one (the receiver `make run` starts); a
deployment sets the variable named by url_env to the ISP's real endpoint.
"""

from typing import Annotated

from pydantic import Field, field_validator

from .types import Model

EnvName = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")]


class Provisioning(Model):
    url: str
    """Where the webhook goes unless the variable named by url_env says otherwise."""
    url_env: EnvName | None = None
    """The environment variable holding the production webhook URL."""
    secret_env: EnvName
    """The environment variable holding the HMAC-SHA256 key shared with the ISP."""
    timeout_seconds: float = Field(default=5, gt=0, le=30)
    """How long one webhook delivery may take before it counts as failed."""
    usage_token_env: EnvName | None = None
    """The environment variable holding the bearer token of the usage import
    (POST /usage/import); without it the import refuses everyone."""

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value
