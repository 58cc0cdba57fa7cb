"""The visitor's chat: start with a name, a list of messages with a send form, a live feed.

Every page works by plain POST and reload; chat.js only asks the feed for what is new. The
feed is a long poll (`?after=<message id>`), not a Server-Sent Events stream: a stream would
hold a thread for as long as a chat is open, a poll gives it back within
PORTAL_CHAT_WAIT_SECONDS whatever happens. Gunicorn runs gthread workers (gunicorn.conf.py):
each process serves PORTAL_THREADS requests at once, and a waiting feed holds one of them.
So at most PORTAL_CHAT_MAX_WAITING feeds of a process wait at once (fewer than its threads);
the next one answers at once with what there is and `retry_after`, the seconds after which
the script asks again, and the portal's other pages always find a free thread.
"""

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

import app.help.service as help_service
from app.core import subscribers
from app.tenancy.theming import local_datetime, text

from . import bp, limits, service
from .forms import ChatMessageForm, EndForm, StartForm
from .models import ChatStatus, Side

SESSION_KEY = "chat"


def _chat_on():
    if not service.enabled(g.tenant):
        abort(404)
    if service.rules(g.tenant).login_required and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def _subscriber_id() -> int | None:
    return current_user.subscriber_id if current_user.is_authenticated else None


def _held(stored=session) -> tuple[int, str] | None:
    """The conversation id and token this browser holds for this tenant (in its session,
    or in what `stored` kept of it)."""
    held = stored.get(SESSION_KEY, {}).get(g.tenant.slug)
    if not isinstance(held, list) or len(held) != 2:
        return None
    return int(held[0]), str(held[1])


def _hold(conversation_id: int, token: str) -> None:
    chats = dict(session.get(SESSION_KEY, {}))
    chats[g.tenant.slug] = [conversation_id, token]
    session[SESSION_KEY] = chats


def carry_across_login(tenant, subscriber_id: int, before: dict, **_) -> None:
    """At login, keep the conversation this browser started, and give it to the subscriber.

    The same person in the same browser goes on with the same chat; logout clears the
    session, and a conversation with a subscriber opens for that subscriber alone.
    """
    held = _held(before)
    if held is None:
        return
    conversation_id, token = held
    if service.claim(tenant, conversation_id, token, subscriber_id) is not None:
        _hold(conversation_id, token)


def _own(conversation_id: int):
    """The conversation if this browser started it; anyone else's is 404, never 403."""
    held = _held()
    token = held[1] if held and held[0] == conversation_id else None
    found = service.conversation_of(g.tenant, conversation_id, token, _subscriber_id())
    if found is None:
        abort(404)
    return found


def _max_chars() -> int:
    return service.rules(g.tenant).max_chars


def _offline_page(opening, status: int = 200):
    return render_template(
        "chat/offline.html",
        opening=opening,
        requests_on=help_service.enabled(g.tenant),
    ), status


@bp.route("/chat", methods=["GET"])
def page():
    """Start a chat, or the one this browser already has open."""
    if (refused := _chat_on()) is not None:
        return refused
    held = _held()
    if held is not None:
        found = service.conversation_of(g.tenant, held[0], held[1], _subscriber_id())
        if found is not None and found.status == ChatStatus.OPEN:
            return redirect(url_for("chat.conversation", conversation_id=found.id))
    opening = service.opening_for(g.tenant, g.region)
    if not opening.open:
        return _offline_page(opening)
    form = StartForm(max_chars=_max_chars())
    if current_user.is_authenticated and not form.name.data:
        subscriber = subscribers.subscriber_of(g.tenant, current_user.subscriber_id)
        form.name.data = subscriber.first_name if subscriber else None
    return _start_page(form)


def _start_page(form, status: int = 200):
    accounts = []
    if current_user.is_authenticated:
        accounts = [a.number for a in subscribers.accounts_of(g.tenant, current_user.subscriber_id)]
    return render_template("chat/start.html", form=form, accounts=accounts), status


@bp.route("/chat", methods=["POST"])
def start():
    if (refused := _chat_on()) is not None:
        return refused
    opening = service.opening_for(g.tenant, g.region)
    if not opening.open:
        return _offline_page(opening)
    form = StartForm(max_chars=_max_chars())
    if not form.validate_on_submit():
        return _start_page(form)
    if not limits.allowed(g.tenant, "start", get_remote_address()):
        form.name.errors.append(_too_fast())
        return _start_page(form, 429)
    conversation, token = service.start(g.tenant, form.name.data, _subscriber_id(), form.text.data)
    service.commit_and_notify(conversation)
    _hold(conversation.id, token)
    return redirect(url_for("chat.conversation", conversation_id=conversation.id), 303)


def _too_fast() -> str:
    return _("You are writing faster than the chat allows. Please wait a minute and try again.")


@bp.route("/chat/<int:conversation_id>")
def conversation(conversation_id: int):
    if (refused := _chat_on()) is not None:
        return refused
    found = _own(conversation_id)
    return _conversation_page(found, ChatMessageForm(max_chars=_max_chars(), formdata=None))


def _conversation_page(found, form, status: int = 200):
    messages = found.messages
    return render_template(
        "chat/conversation.html",
        chat=found,
        messages=messages,
        last_id=messages[-1].id if messages else 0,
        form=form,
        end=EndForm(),
        opening=service.opening_for(g.tenant, g.region),
        rules=service.rules(g.tenant),
    ), status


@bp.route("/chat/<int:conversation_id>/send", methods=["POST"])
def send(conversation_id: int):
    if (refused := _chat_on()) is not None:
        return refused
    found = _own(conversation_id)
    form = ChatMessageForm(max_chars=_max_chars())
    if found.status == ChatStatus.CLOSED:
        flash(_("This chat has ended. Start a new one to write again."), "error")
        return redirect(url_for("chat.conversation", conversation_id=found.id), 303)
    if not service.opening_for(g.tenant, g.region).open:
        flash(_("The chat is closed now; your message was not sent."), "error")
        return redirect(url_for("chat.conversation", conversation_id=found.id), 303)
    if not form.validate_on_submit():
        return _conversation_page(found, form)
    if not limits.allowed(g.tenant, "message", str(found.id)):
        form.text.errors.append(_too_fast())
        return _conversation_page(found, form, 429)
    service.send(g.tenant, found, form.text.data)
    service.commit_and_notify(found)
    return redirect(
        url_for("chat.conversation", conversation_id=found.id, _anchor="chat-send"), 303
    )


@bp.route("/chat/<int:conversation_id>/end", methods=["POST"])
def end(conversation_id: int):
    if (refused := _chat_on()) is not None:
        return refused
    found = _own(conversation_id)
    if not EndForm().validate_on_submit():
        abort(400)
    service.close(g.tenant.slug, found.id)
    service.commit_and_notify(found)
    flash(_("The chat has ended. Its messages stay on this page."), "info")
    return redirect(url_for("chat.conversation", conversation_id=found.id), 303)


@bp.route("/chat/<int:conversation_id>/messages")
def feed(conversation_id: int):
    """Messages after ?after=<id>, waiting a little for one if there are none yet (or, with
    every waiting place of the process taken, at once with retry_after)."""
    if (refused := _chat_on()) is not None:
        return refused
    found = _own(conversation_id)
    after = request.args.get("after", default=0, type=int)
    wait = current_app.config["PORTAL_CHAT_WAIT_SECONDS"]
    found, new, retry = service.wait_for_messages(found, after, wait, lambda: _own(conversation_id))
    later = {"retry_after": retry} if retry else {}
    response = jsonify(status=str(found.status), messages=[_json(m) for m in new], **later)
    response.headers["Cache-Control"] = "no-store"
    return response


def _json(message) -> dict:
    # Plain text only: the script writes it with textContent, never as HTML.
    return {
        "id": message.id,
        "side": str(message.side),
        "who": _who(message.side),
        "text": message.text,
        "time": message.created_at.isoformat(),
        "shown_time": local_datetime(message.created_at, "short"),
    }


def _who(side: str) -> str:
    if side == Side.STAFF:
        return _("%(isp)s consultant", isp=text(g.tenant.config.name))
    return _("You")
