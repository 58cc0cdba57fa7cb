"""Staff members for console tests: made through the service, logged in through the pages."""

from dataclasses import dataclass

import pyotp
import sqlalchemy as sa

from app.staff import service
from app.staff.models import StaffAccount
from app.staff.roles import Role

PASSWORD = "console-pass-phrase"


@dataclass
class Member:
    id: int
    email: str
    secret: str
    tenant: str
    role: Role

    def code(self) -> str:
        return pyotp.TOTP(self.secret).now()


def make_member(app, tenant: str, role: Role, email: str | None = None) -> Member:
    """A staff member with their own password and an enrolled authenticator."""
    from app.extensions import db

    with app.app_context():
        email = email or f"{role.value}.{tenant}@staff.example"
        account = service.account_by_email(email)
        if account is None:
            account, _temporary = service.create_account(email, role.value.title(), "test")
            service.set_password(account, PASSWORD, "test")
            account.totp_secret = pyotp.random_base32()
        service.grant(account, tenant, role)
        db.session.commit()
        return Member(account.id, account.email, account.totp_secret, tenant, role)


def forget_used_codes(app, member: Member) -> None:
    """Let the member log in again within the same 30 seconds (a code is good once)."""
    from app.extensions import db

    with app.app_context():
        db.session.execute(
            sa.update(StaffAccount).where(StaffAccount.id == member.id).values(totp_last_step=0)
        )
        db.session.commit()


def log_in(app, client, member: Member, password: str = PASSWORD):
    """Both steps of the console login; returns the response to the code."""
    forget_used_codes(app, member)
    first = client.form("/staff/login", {"email": member.email, "password": password})
    assert first.status_code == 302, first.get_data(as_text=True)
    assert first.headers["Location"].startswith("/staff/login/code")
    return client.form("/staff/login/code", {"code": member.code()})
