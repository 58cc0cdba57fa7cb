"""A fake T-Bank Internet Acquiring API v2: Init, GetState, Cancel, Charge, RemoveCard, each
checked for the terminal key and its Token; the test plays the payer (pay, decline) and gets
the signed notifications T-Bank would post."""

import hashlib
import itertools
import json

from . import FakeGateway


def sign(fields: dict, password: str) -> str:
    """Token as T-Bank documents it: root scalars plus Password, by key, values joined."""
    pairs = {k: v for k, v in fields.items() if k != "Token" and not isinstance(v, dict | list)}
    pairs["Password"] = password
    text = "".join(
        ("true" if v else "false") if isinstance(v, bool) else str(v)
        for _, v in sorted(pairs.items())
    )
    return hashlib.sha256(text.encode()).hexdigest()


class FakeTBank(FakeGateway):
    def __init__(self, terminal_key: str, password: str):
        self.terminal_key, self.password = terminal_key, password
        self.payments: dict[str, dict] = {}
        self.cards: dict[str, dict] = {}  # RebillId -> card
        self.ids = itertools.count(7000000001)
        super().__init__()

    def answer(self, method, path, headers, body):
        if body.get("TerminalKey") != self.terminal_key:
            return 200, self._error("202", "Терминал не найден")
        if body.get("Token") != sign(body, self.password):
            return 200, self._error("204", "Неверный токен. Проверьте пару TerminalKey/SecretKey.")
        handler = {
            "/Init": self._init,
            "/GetState": self._state,
            "/Cancel": self._cancel,
            "/Charge": self._charge,
            "/RemoveCard": self._remove,
        }.get(path)
        return 200, handler(body) if handler else self._error("9999", path)

    def _error(self, code: str, message: str) -> dict:
        return {
            "Success": False,
            "ErrorCode": code,
            "Message": message,
            "TerminalKey": self.terminal_key,
        }

    def _init(self, body):
        payment_id = str(next(self.ids))
        self.payments[payment_id] = {
            "PaymentId": payment_id,
            "OrderId": body["OrderId"],
            "Amount": body["Amount"],
            "Status": "NEW",
            "Init": body,
            "Refunded": 0,
        }
        return {
            "Success": True,
            "ErrorCode": "0",
            "TerminalKey": self.terminal_key,
            "Status": "NEW",
            "PaymentId": payment_id,
            "OrderId": body["OrderId"],
            "Amount": body["Amount"],
            "PaymentURL": f"{self.url}/pay/{payment_id}",
        }

    def _state(self, body):
        payment = self.payments.get(str(body.get("PaymentId")))
        if payment is None:
            return self._error("7", "Неверный статус транзакции")
        return {
            "Success": True,
            "ErrorCode": "0",
            "TerminalKey": self.terminal_key,
            "Status": payment["Status"],
            "PaymentId": payment["PaymentId"],
            "OrderId": payment["OrderId"],
            "Amount": payment["Amount"],
        }

    def _cancel(self, body):
        payment = self.payments.get(str(body.get("PaymentId")))
        if payment is None or payment["Status"] not in ("CONFIRMED", "PARTIAL_REFUNDED"):
            return self._error("7", "Неверный статус транзакции")
        amount = body.get("Amount", payment["Amount"] - payment["Refunded"])
        if amount > payment["Amount"] - payment["Refunded"]:
            return self._error("1004", "Сумма возврата больше суммы платежа")
        original = payment["Amount"] - payment["Refunded"]
        payment["Refunded"] += amount
        left = payment["Amount"] - payment["Refunded"]
        payment["Status"] = "REFUNDED" if left == 0 else "PARTIAL_REFUNDED"
        return {
            "Success": True,
            "ErrorCode": "0",
            "TerminalKey": self.terminal_key,
            "Status": payment["Status"],
            "PaymentId": payment["PaymentId"],
            "OrderId": payment["OrderId"],
            "OriginalAmount": original,
            "NewAmount": left,
        }

    def _charge(self, body):
        payment = self.payments.get(str(body.get("PaymentId")))
        card = self.cards.get(str(body.get("RebillId")))
        if payment is None or card is None or card.get("removed"):
            return self._error("103", "Повторное прохождение платежа невозможно")
        payment["Status"], payment["Card"] = "CONFIRMED", card
        return {
            "Success": True,
            "ErrorCode": "0",
            "TerminalKey": self.terminal_key,
            "Status": "CONFIRMED",
            "PaymentId": payment["PaymentId"],
            "OrderId": payment["OrderId"],
            "Amount": payment["Amount"],
        }

    def _remove(self, body):
        for card in self.cards.values():
            if card["CardId"] == body.get("CardId") and card["CustomerKey"] == body.get(
                "CustomerKey"
            ):
                card["removed"] = True
                return {
                    "Success": True,
                    "ErrorCode": "0",
                    "Status": "D",
                    "TerminalKey": self.terminal_key,
                    "CardId": card["CardId"],
                }
        return self._error("7", "Карта не найдена")

    def pay(self, payment_id: str) -> None:
        """The payer enters a good card; a Recurrent payment's card is kept."""
        with self.lock:
            payment = self.payments[payment_id]
            payment["Status"] = "CONFIRMED"
            if payment["Init"].get("Recurrent") == "Y":
                rebill = str(next(self.ids))
                card = {
                    "CardId": str(next(self.ids)),
                    "RebillId": rebill,
                    "CustomerKey": payment["Init"]["CustomerKey"],
                    "Pan": "430000******0777",
                }
                self.cards[rebill], payment["Card"] = card, card

    def decline(self, payment_id: str, code: str = "1051") -> None:
        with self.lock:
            self.payments[payment_id].update(Status="REJECTED", ErrorCode=code)

    def notification(self, payment_id: str, password: str | None = None, **changes) -> bytes:
        """The signed notification T-Bank posts; `changes` are made after signing (forged),
        `password` signs with another key."""
        payment = self.payments[payment_id]
        fields = {
            "TerminalKey": self.terminal_key,
            "OrderId": payment["OrderId"],
            "Success": payment["Status"] == "CONFIRMED",
            "Status": payment["Status"],
            "PaymentId": int(payment["PaymentId"]),
            "ErrorCode": payment.get("ErrorCode", "0"),
            "Amount": payment["Amount"],
            "Pan": "430000******0777",
            "ExpDate": "1130",
        }
        if card := payment.get("Card"):
            fields |= {"CardId": int(card["CardId"]), "RebillId": int(card["RebillId"])}
        fields["Token"] = sign(fields, password or self.password)
        return json.dumps({**fields, **changes}).encode()

    def notify_path(self, payment_id: str) -> str:
        """Where the Init asked T-Bank to post (the path of its NotificationURL)."""
        url = self.payments[payment_id]["Init"]["NotificationURL"]
        return "/" + url.split("://", 1)[1].split("/", 1)[1]
