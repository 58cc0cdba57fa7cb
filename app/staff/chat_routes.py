"""The console's live chat: the waiting conversations, taking one, answering it live."""

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import app.chat.service as chat_service
from app.core import audit, subscribers
from app.extensions import db
from app.tenancy.theming import local_datetime

from . import bp, helpdesk
from .access import may, requires
from .forms import ConfirmForm
from .helpdesk_forms import ChatAnswerForm
from .home_routes import section
from .roles import Permission

ChatStatus = chat_service.ChatStatus

section(
    "staff.chat_queue",
    _l("Live chat"),
    _l("Visitors waiting in the chat: take one and answer it live."),
    Permission.CHAT,
)


def _conversation(conversation_id: int):
    found = chat_service.conversation_for_staff(g.tenant, conversation_id)
    if found is None:
        abort(404)
    return found


def _target(found) -> str:
    return f"chat:{found.id}"


def _max_chars() -> int:
    return chat_service.rules(g.tenant).max_chars


@bp.route("/chats")
@requires(Permission.CHAT)
def chat_queue():
    found = chat_service.queue(g.tenant.slug, ChatStatus.OPEN)
    now = chat_service.now()
    waiting = [(c, format_timedelta(now - c.created_at)) for c in found if not c.staff_account_id]
    taken = [(c, helpdesk.staff_name(c.staff_account_id)) for c in found if c.staff_account_id]
    return render_template(
        "staff/help/chats.html",
        waiting=waiting,
        taken=taken,
        chat_on=chat_service.enabled(g.tenant),
    )


def _chat_page(found, form=None, status: int = 200):
    accounts = []
    subscriber = None
    if found.subscriber_id is not None:
        subscriber = subscribers.subscriber_of(g.tenant, found.subscriber_id)
        accounts = [a.number for a in subscribers.accounts_of(g.tenant, found.subscriber_id)]
    messages = found.messages
    return render_template(
        "staff/help/chat.html",
        chat=found,
        messages=messages,
        last_id=messages[-1].id if messages else 0,
        subscriber=subscriber,
        accounts=accounts,
        operator=helpdesk.staff_name(found.staff_account_id),
        mine=found.staff_account_id == g.staff.account_id,
        form=form or ChatAnswerForm(max_chars=_max_chars(), formdata=None),
        confirm=ConfirmForm(),
        can_act=may(Permission.CHAT, changing=True),
    ), status


@bp.route("/chats/<int:conversation_id>")
@requires(Permission.CHAT)
def chat_page(conversation_id: int):
    return _chat_page(_conversation(conversation_id))


def _back(found):
    return redirect(url_for("staff.chat_page", conversation_id=found.id), 303)


@bp.route("/chats/<int:conversation_id>/take", methods=["POST"])
@requires(Permission.CHAT)
def chat_take(conversation_id: int):
    found = _conversation(conversation_id)
    if not ConfirmForm().validate_on_submit():
        return _back(found)
    if not chat_service.take(g.tenant, found.id, g.staff.account_id):
        db.session.refresh(found)
        who = helpdesk.staff_name(found.staff_account_id)
        if found.status == ChatStatus.CLOSED:
            flash(_("This chat has ended."), "error")
        elif found.staff_account_id == g.staff.account_id:
            flash(_("You have this chat already."), "info")
        else:
            flash(_("%(name)s has taken this chat already.", name=who), "error")
        return _back(found)
    audit.record(
        g.tenant.slug,
        "chat.taken",
        subscriber_id=found.subscriber_id,
        target=_target(found),
        after={"staff": g.staff.account_id},
    )
    flash(_("The chat is yours: the visitor waits for your answer."), "info")
    return _back(found)


def _not_mine(found) -> bool:
    if found.status == ChatStatus.CLOSED:
        flash(_("This chat has ended."), "error")
        return True
    if found.staff_account_id != g.staff.account_id:
        flash(_("Take the chat first: then it is yours to answer."), "error")
        return True
    return False


@bp.route("/chats/<int:conversation_id>/send", methods=["POST"])
@requires(Permission.CHAT)
def chat_send(conversation_id: int):
    found = _conversation(conversation_id)
    form = ChatAnswerForm(max_chars=_max_chars())
    if _not_mine(found):
        return _back(found)
    if not form.validate_on_submit():
        return _chat_page(found, form, 422)
    audit.record(
        g.tenant.slug,
        "chat.answered",
        subscriber_id=found.subscriber_id,
        target=_target(found),
        after={"chars": len(form.text.data.strip())},
    )
    try:
        # Committed with the audit entry and delivered to the visitor's feed at once.
        chat_service.staff_reply(g.tenant, found.id, form.text.data, g.staff.name)
    except chat_service.Refused:
        db.session.rollback()
        flash(_("The message was not sent: it is empty or too long."), "error")
    return redirect(url_for("staff.chat_page", conversation_id=found.id, _anchor="chat-send"), 303)


@bp.route("/chats/<int:conversation_id>/close", methods=["POST"])
@requires(Permission.CHAT)
def chat_close(conversation_id: int):
    found = _conversation(conversation_id)
    if not ConfirmForm().validate_on_submit() or _not_mine(found):
        return _back(found)
    chat_service.close(g.tenant.slug, found.id)
    audit.record(
        g.tenant.slug,
        "chat.closed",
        subscriber_id=found.subscriber_id,
        target=_target(found),
        before={"status": ChatStatus.OPEN.value},
        after={"status": ChatStatus.CLOSED.value},
    )
    chat_service.commit_and_notify(found)
    flash(_("The chat is closed; the visitor sees that it has ended."), "info")
    return redirect(url_for("staff.chat_queue"), 303)


@bp.route("/chats/<int:conversation_id>/messages")
@requires(Permission.CHAT)
def chat_feed(conversation_id: int):
    """The conversation's messages after ?after=<id>, live, as the visitor's feed gives."""
    found = _conversation(conversation_id)
    after = request.args.get("after", default=0, type=int)
    wait = current_app.config["PORTAL_CHAT_WAIT_SECONDS"]
    found, new, retry = chat_service.wait_for_messages(
        found, after, wait, lambda: _conversation(conversation_id)
    )
    later = {"retry_after": retry} if retry else {}
    shown = [_json(found, m) for m in new]
    response = jsonify(status=str(found.status), messages=shown, **later)
    response.headers["Cache-Control"] = "no-store"
    return response


def _json(found, message) -> dict:
    # Plain text only: the script writes it with textContent, never as HTML.
    who = message.staff_name if message.side == chat_service.Side.STAFF else found.visitor_name
    return {
        "id": message.id,
        "side": str(message.side),
        "who": who or "",
        "text": message.text,
        "time": message.created_at.isoformat(),
        "shown_time": local_datetime(message.created_at, "short"),
    }
