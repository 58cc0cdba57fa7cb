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
    # Where the webhook goes unless the variable named by url_env says otherwise.
    url: str
    url_env: EnvName | None = None
    # The variable holding the HMAC-SHA256 key shared with the ISP.
    secret_env: EnvName
    timeout_seconds: float = Field(default=5, gt=0, le=30)
    # The variable holding the bearer token of the usage import (POST /usage/import);
    # without it the import endpoint refuses everyone.
    usage_token_env: EnvName | None = None

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value
