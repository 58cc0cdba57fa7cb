"""Linking a person's cabinets and who may switch to whom; plain functions taking the tenant.

Proofs: the other cabinet's password, or a one-time code sent to its contract's phone on
record. Neither tells whether a contract exists: a wrong login and a wrong password fail
alike, and a code «is sent» for a login that names nobody too (a decoy that never works).
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

import app.auth.service as auth_service
import app.notify.service as notify
from app.core import audit, confirmation, linked, verification
from app.core.scoped import get_owned
from app.core.signals import password_changed
from app.core.subscribers import Account, Contract, Subscriber
from app.core.verification import Outcome
from app.extensions import db
from app.tenancy.registry import Tenant

PURPOSE = "link"
FLOW_PREFIX = "link:"


@dataclass(frozen=True)
class Cabinet:
    """One cabinet of a group as the page and the header show it."""

    subscriber_id: int
    name: str
    contracts: tuple[tuple[str, str | None], ...]  # (contract number, account number)

    @property
    def contract(self) -> str:
        return self.contracts[0][0] if self.contracts else ""


class Refusal(StrEnum):
    SELF = "self"
    ALREADY = "already"
    SHARED_DEMO = "shared_demo"
    TOO_MANY = "too_many"


REFUSALS = {
    Refusal.SELF: _l("This is the contract you are logged in to."),
    Refusal.ALREADY: _l("This contract is already linked with yours."),
    Refusal.SHARED_DEMO: _l("The shared demo account cannot be linked with other contracts."),
    Refusal.TOO_MANY: _l("No more contracts can be linked with this one: unlink one first."),
}


def cabinets(tenant: Tenant, subscriber_id: int) -> list[Cabinet]:
    """The subscriber's group, itself among them, oldest member first; just itself when
    it is linked with no one."""
    ids = linked.group_ids(tenant.slug, subscriber_id) or [subscriber_id]
    rows = db.session.execute(
        sa.select(Subscriber, Contract.number, Account.number)
        .outerjoin(Contract, Contract.subscriber_id == Subscriber.id)
        .outerjoin(Account, Account.contract_id == Contract.id)
        .where(Subscriber.tenant == tenant.slug, Subscriber.id.in_(ids))
        .order_by(Contract.id)
    ).all()
    found: dict[int, tuple[Subscriber, list]] = {}
    for subscriber, contract, account in rows:
        numbers = found.setdefault(subscriber.id, (subscriber, []))[1]
        if contract is not None:
            numbers.append((contract, account))
    return [Cabinet(i, found[i][0].display_name, tuple(found[i][1])) for i in ids if i in found]


def named(tenant: Tenant, typed: str) -> int | None:
    """The subscriber a typed login names in this tenant, by any login it accepts."""
    return auth_service.find_subscriber_id(tenant, typed)


def password_matches(tenant: Tenant, subscriber_id: int | None, password: str, profile: str):
    """Whether password opens that cabinet; the same work when subscriber_id is None."""
    ok = auth_service.check_password(tenant, subscriber_id, password, profile)
    return ok and subscriber_id is not None


def refusal(tenant: Tenant, subscriber_id: int, other_id: int) -> Refusal | None:
    """Why these two cabinets cannot be linked now; None when they can."""
    if other_id == subscriber_id:
        return Refusal.SELF
    if auth_service.is_shared_demo(tenant, subscriber_id) or auth_service.is_shared_demo(
        tenant, other_id
    ):
        return Refusal.SHARED_DEMO
    if linked.same_group(tenant.slug, subscriber_id, other_id):
        return Refusal.ALREADY
    limit = tenant.config.profile.linked_cabinets.max_linked
    if linked.merged_size(tenant.slug, subscriber_id, other_id) > limit + 1:
        return Refusal.TOO_MANY
    return None


def full(tenant: Tenant, subscriber_id: int) -> bool:
    """Whether the subscriber's group already holds as many cabinets as allowed."""
    limit = tenant.config.profile.linked_cabinets.max_linked
    return len(linked.group_ids(tenant.slug, subscriber_id)) > limit


def link(tenant: Tenant, subscriber_id: int, other_id: int, proof: str) -> Refusal | None:
    """Link other_id (proved by proof) with the subscriber's cabinet, and tell its holder;
    or the reason it cannot be. The caller commits."""
    why = refusal(tenant, subscriber_id, other_id)
    if why is not None:
        return why
    linked.link(tenant.slug, subscriber_id, other_id, proof)
    # Both holders see it on their Security page: the other one was not asked.
    for mine, theirs in ((subscriber_id, other_id), (other_id, subscriber_id)):
        audit.record(
            tenant.slug,
            "cabinet.linked",
            subscriber_id=mine,
            target=f"subscriber:{theirs}",
            after={"proof": proof},
        )
    _tell_holder(tenant, other_id)
    return None


def _tell_holder(tenant: Tenant, subscriber_id: int) -> None:
    subscriber = get_owned(Subscriber, tenant, subscriber_id)
    contract = subscriber.contracts[0].number if subscriber.contracts else ""
    if subscriber.email:
        notify.send_cabinet_linked(tenant, "email", subscriber.email, contract)
    elif subscriber.phone:
        notify.send_cabinet_linked(tenant, "sms", subscriber.phone, contract)


def send_code(tenant: Tenant, subscriber_id: int, other_id: int | None) -> str:
    """Text a code to the phone on record of the contract other_id, for linking it with the
    subscriber's cabinet; the challenge's handle. A login that names nobody, a contract
    without a phone or a cabinet, or one past its sending limits gets a decoy handle that
    looks the same. The caller commits."""
    flow = f"{FLOW_PREFIX}{subscriber_id}"
    other = get_owned(Subscriber, tenant, other_id)
    if other is not None and auth_service.has_cabinet(tenant, other.id):
        contract = other.contracts[0].number if other.contracts else ""

        def deliver(phone: str, code: str, minutes: int) -> None:
            notify.send_link_code(tenant, phone, code, contract, minutes)

        sent = confirmation.send_code(tenant, other, PURPOSE, flow, deliver)
        if sent.handle is not None:
            return sent.handle
    minutes = timedelta(minutes=tenant.config.recovery.code_minutes)
    decoy = verification.issue(
        tenant.slug, None, PURPOSE, flow, "sms", None, minutes, verification.new_code()
    )
    return decoy.handle


def check_code(
    tenant: Tenant, subscriber_id: int, handle: str, typed: str
) -> tuple[Outcome, int | None]:
    """(Outcome, the proved contract's subscriber) for a typed code; the challenge must be
    one this subscriber asked for. Spent when right. The caller commits, also when wrong."""
    guesses = tenant.config.recovery.max_guesses
    outcome = verification.check_code(tenant.slug, handle, typed, guesses)
    if outcome != Outcome.OK:
        return outcome, None
    challenge = verification.verified(tenant.slug, handle)
    if (
        challenge is None
        or challenge.subscriber_id is None
        or challenge.purpose != PURPOSE
        or challenge.flow != f"{FLOW_PREFIX}{subscriber_id}"
    ):
        return Outcome.GONE, None
    verification.use(challenge)
    return outcome, challenge.subscriber_id


def may_switch(tenant: Tenant, subscriber_id: int, other_id: int) -> bool:
    """Whether the subscriber may switch to other_id now: a cabinet of the same group."""
    return linked.same_group(tenant.slug, subscriber_id, other_id)


def unlink(tenant: Tenant, subscriber_id: int, other_id: int) -> bool:
    """Take other_id (the subscriber itself, or one of its group) out of the group; False
    when it is neither."""
    if other_id != subscriber_id and not linked.same_group(tenant.slug, subscriber_id, other_id):
        return False
    if not linked.unlink(tenant.slug, other_id):
        return False
    audit.record(
        tenant.slug,
        "cabinet.unlinked",
        subscriber_id=subscriber_id,
        target=f"subscriber:{other_id}",
    )
    return True


def subscribe() -> None:
    """Unlink a cabinet whenever its password is changed or reset (see _on_password_changed)."""
    password_changed.connect(_on_password_changed)


def _on_password_changed(tenant: Tenant, subscriber_id: int, reason: str) -> None:
    # «If it was not you, change the password», the holder is told when a link is made: a
    # link made by someone who knew the old password must end with it, as its sessions do.
    # The first password an operator issues ends nothing.
    if reason != "issued":
        linked.unlink(tenant.slug, subscriber_id)
