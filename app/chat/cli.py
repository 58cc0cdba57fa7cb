"""flask chat list|reply|close: the consultants' side of the chat until staff pages exist."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.core import subscribers
from app.tenancy import registry_of

from . import service

chat_cli = AppGroup("chat", help="Live chat: list conversations, answer and close them.")


def _printable(value: str) -> str:
    # Visitors typed these; a control character must not steer the operator's terminal.
    return "".join(ch if ch.isprintable() else " " for ch in value)


@chat_cli.command("list")
@click.option("--tenant", "slug", help="Only this tenant's conversations.")
@click.option("--all", "everything", is_flag=True, help="Closed ones too.")
def chat_list(slug: str | None, everything: bool) -> None:
    """Print conversations, the oldest first: id, tenant, status, visitor, last message."""
    found = service.queue(slug, None if everything else "open")
    if not found:
        click.echo("No chats.")
    for chat in found:
        last = chat.messages[-1] if chat.messages else None
        waiting = "waiting for staff" if last is not None and last.side == "visitor" else ""
        who = _who(chat)
        line = (
            f"{chat.id}  {chat.tenant}  {chat.status}  {chat.visitor_name}  ({who})  "
            f"started {chat.created_at.isoformat(timespec='seconds')}  "
            f"{len(chat.messages)} message(s)  {waiting}  {(last.text if last else '')[:80]}"
        )
        click.echo(_printable(line))


def _who(chat) -> str:
    if chat.subscriber_id is None:
        return "not logged in"
    tenant = registry_of(current_app).tenants[chat.tenant]
    numbers = ", ".join(a.number for a in subscribers.accounts_of(tenant, chat.subscriber_id))
    return f"subscriber {chat.subscriber_id}, account {numbers}"


def _target(conversation_id: int):
    chat = service.find(conversation_id)
    if chat is None:
        raise click.ClickException(f"no chat {conversation_id}")
    return chat


@chat_cli.command("reply")
@click.argument("conversation_id", type=int)
@click.option("--text", required=True, help="The consultant's message.")
@click.option("--staff", default="operator", show_default=True, help="Who answers.")
def chat_reply(conversation_id: int, text: str, staff: str) -> None:
    """Answer a chat; the visitor sees it at once."""
    chat = _target(conversation_id)
    tenant = registry_of(current_app).tenants[chat.tenant]
    try:
        message = service.staff_reply(tenant, chat.id, text, staff)
    except service.Refused as exc:
        raise click.ClickException(f"not sent: {exc}") from exc
    click.echo(f"Sent message {message.id} to chat {chat.id}.")


@chat_cli.command("close")
@click.argument("conversation_id", type=int)
def chat_close(conversation_id: int) -> None:
    """End a chat; its history is kept."""
    chat = _target(conversation_id)
    service.close(chat.tenant, chat.id)
    service.commit_and_notify(chat)
    click.echo(f"Chat {chat.id} closed.")
