"""Fixtures of the web tests beyond the suite's own: the fake payment gateways."""

from tests.web.gateway_steps import tbank, yookassa  # noqa: F401  (fixtures)
