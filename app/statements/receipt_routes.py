"""Receipts: a payment's receipt and the bank receipt (form ПД-4), as pages and as PDFs."""

from babel.numbers import get_decimal_symbol
from flask import Response, abort, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app.core.money import clamp, money, plain_roubles
from app.tenancy.locale import current_locale

from . import bp, qr, service, words
from .forms import BankReceiptForm, account_choices
from .pdf import render_pdf
from .routes import local_today, requested_account, safe_filename, zone_name

# The bank receipt is for a teller at a Russian bank, whatever language the page speaks.
BANK_LOCALE = "ru"


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A PDF download that no cache keeps: it holds personal data."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=safe_filename(filename))
    response.headers["Cache-Control"] = "no-store"
    return response


def _payment_or_404(entry_id: int) -> tuple[service.PaymentFacts, words.EntryWords]:
    facts = service.payment(g.tenant, current_user.subscriber_id, entry_id)
    if facts is None:
        abort(404)
    return facts, words.describe_one(g.tenant, facts.entry, current_locale(), zone_name())


@bp.route("/receipt/<int:entry_id>")
@login_required
def receipt(entry_id: int):
    """A payment's printable receipt."""
    facts, entry_words = _payment_or_404(entry_id)
    requisites = service.requisites_of(g.tenant, facts.payer)
    return render_template(
        "statements/receipt.html", facts=facts, words=entry_words, requisites=requisites
    )


@bp.route("/receipt/<int:entry_id>.pdf")
@login_required
def receipt_pdf(entry_id: int):
    """The same receipt as a PDF."""
    facts, entry_words = _payment_or_404(entry_id)
    requisites = service.requisites_of(g.tenant, facts.payer)
    html = render_template(
        "statements/receipt_pdf.html", facts=facts, words=entry_words, requisites=requisites
    )
    return pdf_response(render_pdf(html), f"receipt-{facts.account_number}-{entry_id}.pdf")


def _bank_receipt_context() -> tuple[dict, bool]:
    """Everything the ПД-4 page and PDF show, and whether the amount typed was acceptable."""
    accounts = service.owned_accounts(g.tenant, current_user.subscriber_id)
    if not g.tenant.has_requisites or not accounts:
        abort(404)
    account = requested_account(accounts)
    formdata = MultiDict(request.args)
    formdata["account"] = account.number
    form = BankReceiptForm(formdata=formdata)
    form.account.choices = account_choices(accounts)
    facts = service.bank_receipt_facts(
        g.tenant, current_user.subscriber_id, account.number, local_today()
    )
    requisites = service.requisites_of(g.tenant, facts.payer) if facts else None
    if requisites is None:
        abort(404)
    limits = g.tenant.config.payments
    if "amount" not in request.args:
        # A suggestion the ISP's limits refuse would greet the subscriber with an error.
        suggested = clamp(facts.suggested, limits.min_amount, limits.max_amount)
        decimal = get_decimal_symbol(current_locale())
        form.amount.data = plain_roubles(suggested, decimal) if facts.suggested > 0 else ""
    shown = (money(limits.min_amount), money(limits.max_amount))
    valid = form.validate() and form.check_amount(limits.min_amount, limits.max_amount, shown)
    context = {"form": form, "accounts": accounts, "requisites": requisites, "facts": facts}
    if valid:
        context.update(_pd4(requisites, facts, form.amount_kopecks()))
    return context, valid


def _pd4(requisites, facts: service.BankReceiptFacts, amount: int | None) -> dict:
    purpose = requisites.purpose.get(BANK_LOCALE)
    fields = qr.payment_fields(requisites, purpose, amount, facts.account_number, facts.payer)
    payload = qr.build_payload(fields)
    svg = qr.qr_svg(payload, _("Payment QR code"))
    # segno escapes the title, and the payload becomes path geometry, never text.
    safe_svg = Markup(svg)  # nosec B704 # segno made it, see above
    return {"amount": amount, "purpose": purpose, "payload": payload, "qr_svg": safe_svg}


@bp.route("/bank-receipt")
@login_required
def bank_receipt():
    """The bank receipt (ПД-4) with its payment QR code, for an amount the subscriber picks."""
    context, valid = _bank_receipt_context()
    return render_template("statements/bank_receipt.html", **context), 200 if valid else 400


@bp.route("/bank-receipt.pdf")
@login_required
def bank_receipt_pdf():
    """The bank receipt as a PDF to print."""
    context, valid = _bank_receipt_context()
    if not valid:
        return render_template("statements/bank_receipt.html", **context), 400
    html = render_template("statements/bank_receipt_pdf.html", **context)
    return pdf_response(render_pdf(html), f"bank-receipt-{context['facts'].account_number}.pdf")
