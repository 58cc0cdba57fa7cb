"""WebAuthn ceremonies as pure steps: options to send, a browser's answer to check.

Whoever holds passkeys (subscribers, staff) keeps its own credentials and challenges; this
module only speaks the protocol, through py_webauthn, for a relying party (one host).
"""

from dataclasses import dataclass

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

TIMEOUT_MS = 120_000
KNOWN_TRANSPORTS = {t.value for t in AuthenticatorTransport}


@dataclass(frozen=True)
class RelyingParty:
    """Who asks for the passkey: the host (rp id), the ISP's name, the page's origin."""

    id: str
    name: str
    origin: str


@dataclass(frozen=True)
class NewCredential:
    """A credential the browser made, once its attestation checked out."""

    id: str  # base64url, as browsers send it
    public_key: bytes
    sign_count: int
    transports: str


class Refused(Exception):
    """The browser's answer does not prove what it claims."""


def _descriptors(credential_ids) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(c)) for c in credential_ids]


def creation_options(
    rp: RelyingParty,
    challenge: bytes,
    user_handle: str,
    user_name: str,
    display_name: str,
    exclude: list[str],
    resident: bool = True,
) -> str:
    """The JSON for navigator.credentials.create(), user-verified; resident: discoverable."""
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=base64url_to_bytes(user_handle),
        user_name=user_name,
        user_display_name=display_name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED
            if resident
            else ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(exclude),
    )
    return options_to_json(options)


def _transports(credential: dict) -> str:
    response = credential.get("response")
    listed = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(listed, list):
        return ""
    return ",".join(t for t in listed if isinstance(t, str) and t in KNOWN_TRANSPORTS)


def verify_creation(rp: RelyingParty, challenge: bytes, credential: dict) -> NewCredential:
    """The credential the browser made for this challenge on this host; else Refused."""
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise Refused(str(exc)) from exc
    return NewCredential(
        bytes_to_base64url(verified.credential_id),
        verified.credential_public_key,
        verified.sign_count,
        _transports(credential),
    )


def request_options(rp: RelyingParty, challenge: bytes, allow: list[str] | None = None) -> str:
    """The JSON for navigator.credentials.get(), user-verified; allow: only these credentials
    (none given: any passkey of this host)."""
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(allow) if allow else None,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


def credential_id(credential: dict) -> str:
    """The id an assertion says it is made with; Refused when there is none."""
    found = credential.get("id")
    if not isinstance(found, str) or not found:
        raise Refused("no credential id")
    return found


def verify_assertion(
    rp: RelyingParty, challenge: bytes, credential: dict, public_key: bytes, sign_count: int
) -> int:
    """The authenticator's new counter when the assertion signs this challenge with this
    key on this host; else Refused."""
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise Refused(str(exc)) from exc
    return verified.new_sign_count
