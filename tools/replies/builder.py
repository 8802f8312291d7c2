"""The reply builder: :class:`Replies` writes every tool-result text from a language's phrase table, with
the amount formats both languages use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar


def wan(value: float) -> str:
    """An amount as Chinese readers write it: 1200000 -> "120万", 120000000 -> "1.2亿", 8500 -> "8,500"."""
    if abs(value) >= 1e8:
        return f"{value / 1e8:.4f}".rstrip("0").rstrip(".") + "亿"
    if abs(value) >= 1e4:
        return f"{value / 1e4:.2f}".rstrip("0").rstrip(".") + "万"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def yuan(value: float) -> str:
    """A CNY amount, exact: "100万元" when 万/亿 say it exactly (1000000), else "1,463,772.21元"."""
    short = wan(value)
    scale = 1e8 if short.endswith("亿") else 1e4 if short.endswith("万") else 0
    if scale and abs(float(short[:-1]) * scale - value) < 0.005:
        return f"{short}元"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + "元" if value == int(value) else f"{value:,.2f}元"


def cny(value: float) -> str:
    """A CNY amount written out: 1250000 -> "CNY 1,250,000", 304889.26 -> "CNY 304,889.26"."""
    return f"CNY {num(value)}"


def num(value: float) -> str:
    """A plain figure with thousands separators: 720000 -> "720,000"."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def pct(value: float, digits: int = 2) -> str:
    """A fraction as a percentage: 0.1053 -> "10.53%"."""
    return f"{value * 100:.{digits}f}%"


def past_due_over_30(ledger: dict[str, Any]) -> float | None:
    """The share of the outstanding AR more than 30 days past due (the 31–60, 61–90 and 90+ day buckets)."""
    a = ledger["aging"]
    if not ledger.get("ar_outstanding"):
        return None
    return (a["d31_60"] + a["d61_90"] + a["d90_plus"]) / ledger["ar_outstanding"]


# The inputs each ratio's sentence shows, in the order of its formula.
_RATIO_INPUTS = {"overdue_ratio": ("overdue", "receivables"), "current_ratio": ("current_assets", "current_liabilities"),
                 "working_capital_ratio": ("current_assets", "current_liabilities", "total_assets")}
FULL_RECORD = (  # a buyer's record in full, as a card or a comparison shows it
    "grade", "status", "credit_limit", "avg_days_late")


class Replies:
    """The reply builder: every text from the language's phrase table (the class attributes a language sets).

    Templates take ``str.format`` fields named after what they show; ``money`` writes an amount of a record or
    ledger, ``figure`` an input of a formula.
    """

    GRADE_MEANING: ClassVar[dict[int, str]]
    STATUS_MEANING: ClassVar[dict[str, str]]
    SLOT_LABELS: ClassVar[dict[str, str]]
    FORMULAS: ClassVar[dict[str, tuple[str, str, str, str]]]  # kind: (name, formula, what it tells, what to send)
    UNAVAILABLE: ClassVar[str]
    WHICH_BUYER: ClassVar[str]
    NOT_FOUND: ClassVar[str]
    NO_PERMISSION: ClassVar[str]
    money: ClassVar[Callable[[float], str]]
    figure: ClassVar[Callable[[float], str]]
    phrases: ClassVar[dict[str, str]]

    def late(self, days: int) -> str:
        """How the buyer pays, as a field of its record."""
        raise NotImplementedError

    def who(self, buyer: dict[str, Any]) -> str:
        """The buyer's name and id."""
        return self.phrases["who"].format(name=buyer["name"], buyer_id=buyer["buyer_id"])

    def formula_answer(self, explained: tuple[str, str, str, str]) -> str:
        """How a calculator computes its figure — (name, formula, meaning, inputs) — and an offer to compute it."""
        name, formula, meaning, inputs = explained
        return self.phrases["formula"].format(name=name, formula=formula, meaning=meaning, inputs=inputs)

    def explain(self, kind: str) -> str | None:
        """The formula of calculator ``kind`` in this language; None when it has no text in it."""
        return self.formula_answer(self.FORMULAS[kind]) if kind in self.FORMULAS else None

    def dso_answer(self, args: dict[str, Any], result: dict[str, Any]) -> str:
        """DSO with its formula written out."""
        return self.phrases["dso"].format(days=result["dso_days"], receivables=self.figure(args["receivables"]),
                                          credit_sales=self.figure(args["credit_sales"]), period=args["period_days"])

    def ratio_answer(self, args: dict[str, Any], result: dict[str, Any]) -> str:
        """Any ratio calculator's result with its formula."""
        kind, value = args["kind"], result["value"]
        if kind == "discount_cost":
            d, disc, net, invoice = args["discount_pct"], args["discount_days"], args["net_days"], args.get("invoice")
            given = self.phrases["invoice_given"].format(
                invoice=self.figure(invoice), given=self.figure(invoice * d / 100),
                received=self.figure(invoice * (100 - d) / 100), d=d, disc=disc) if invoice else ""
            return given + self.phrases["discount_cost"].format(
                d=d, disc=disc, net=net, rest=100 - d, span=net - disc, value=pct(value), compound=pct(result["compound"]),
                basis=args.get("basis_days", 365))
        kind = kind if kind in _RATIO_INPUTS else "working_capital_ratio"
        shown = f"{value:.2f}" if kind == "current_ratio" else pct(value, 1)
        return self.phrases[kind].format(value=shown, **{k: self.figure(args[k]) for k in _RATIO_INPUTS[kind]})

    def invalid_answer(self, result: dict[str, Any]) -> str:
        """A calculator's refusal of its inputs (zero sales, a negative number ...), with the reason."""
        return self.phrases["invalid"].format(reason=self.invalid_reason(result))

    def invalid_reason(self, result: dict[str, Any]) -> str:
        """Why a calculator refused its inputs."""
        return str(result.get("message", "invalid input"))

    def field_text(self, buyer: dict[str, Any], field: str) -> str:
        """One asked-for field of a buyer's record, in words."""
        if field == "credit_limit":
            return self.phrases["field_credit_limit"].format(limit=self.money(buyer["credit_limit_cny"]))
        if field == "grade":
            return self.phrases["field_grade"].format(grade=buyer["grade"],
                                                      meaning=self.GRADE_MEANING.get(buyer["grade"], ""))
        if field == "status":
            return self.phrases["field_status"].format(status=self.STATUS_MEANING.get(buyer["status"], buyer["status"]))
        if field == "avg_days_late":
            return self.late(buyer["avg_days_late"])
        return self.phrases["field_country"].format(country=buyer["country"])

    def fields_text(self, buyer: dict[str, Any], fields: Iterable[str]) -> str:
        """Several fields of a buyer's record in one run."""
        return self.phrases["sep"].join(self.field_text(buyer, f) for f in fields)

    def credit_verdict(self, buyer: dict[str, Any]) -> str:
        """Whether to keep selling to the buyer on credit, from its record alone, answer first."""
        said = {"who": self.who(buyer), "grade": buyer["grade"], "limit": self.money(buyer["credit_limit_cny"])}
        if buyer["status"] == "insolvent":
            return self.phrases["verdict_insolvent"].format(**said)
        if buyer["status"] == "watch" or not buyer["credit_limit_cny"]:
            return self.phrases["verdict_watch" if buyer["status"] == "watch" else "verdict_no_limit"].format(**said)
        return self.phrases["verdict_fine"].format(**said, late=self.verdict_late(buyer))

    def verdict_late(self, buyer: dict[str, Any]) -> str:
        """How the buyer pays, in a verdict to keep selling to it."""
        return self.late(buyer["avg_days_late"])

    def buyer_answer(self, buyer: dict[str, Any]) -> str:
        """One buyer's record, then a caution when it is on the watch list or insolvent, and the date."""
        raise NotImplementedError

    def receivables_answer(self, buyer: dict[str, Any], r: dict[str, Any], asks: Iterable[str] = ()) -> str:
        """A buyer's ledger, the figures ``asks`` names first."""
        raise NotImplementedError

    def ask_for(self, missing: list[str], known: dict[str, Any], labels: dict[str, str] | None = None) -> str:
        """The clarifying question for exactly the missing values (``labels``: a calculator's own)."""
        raise NotImplementedError

    def buyer_reply(self, buyer: dict[str, Any], fields: list[str], *, decision: bool = False) -> str:
        """A buyer's record for a question: the verdict, or the fields asked first; the record card when nothing
        in particular was asked."""
        if decision:
            return self.credit_verdict(buyer) + "\n" + self.phrases["as_of"].format(updated=buyer["updated"])
        if not fields:
            return self.buyer_answer(buyer)
        first = self.phrases["fields_reply"].format(who=self.who(buyer), fields=self.fields_text(buyer, fields))
        return "\n".join([first, *self.after_fields(buyer, fields)])

    def after_fields(self, buyer: dict[str, Any], fields: list[str]) -> list[str]:
        """What follows the asked fields of a buyer's record."""
        return [self.phrases["as_of"].format(updated=buyer["updated"])]

    def buyers_compared(self, buyers: list[dict[str, Any]], fields: list[str]) -> str:
        """Several buyers side by side: which is riskiest first, then each one's fields in one line."""
        shown = fields or list(FULL_RECORD)
        lines = [self.phrases["compared"].format(name=b["name"], buyer_id=b["buyer_id"], fields=self.fields_text(b, shown))
                 for b in buyers]
        if "grade" not in shown:
            return "\n".join(line[2:] for line in lines)  # the asked figure of each, one line each
        riskiest = max(buyers, key=lambda b: b["grade"])
        safest = min(buyers, key=lambda b: b["grade"])
        if riskiest["grade"] == safest["grade"]:
            first = self.phrases["same_grade"].format(grade=riskiest["grade"])
        else:
            first = self.phrases["riskiest"].format(riskiest=riskiest["name"], high=riskiest["grade"],
                                                    safest=safest["name"], low=safest["grade"])
        return "\n".join([first, *lines])

    def choices_answer(self, matches: list[dict[str, Any]]) -> str:
        """A short list of buyers to choose from."""
        lines = [self.phrases["choices"].format(n=len(matches))]
        lines += [self.phrases["choice"].format(i=i, buyer_id=m["buyer_id"], name=m["name"], grade=m["grade"],
                                                status=self.STATUS_MEANING.get(m["status"], m["status"]))
                  for i, m in enumerate(matches, 1)]
        return "\n".join(lines)

    def not_found_answer(self, query: str, near: list[str] | None = None) -> str:
        """No buyer matched; ``near``: directory names that resemble the query, offered to try."""
        if near:
            return self.phrases["not_found_near"].format(query=query, near=self.phrases["list_sep"].join(near))
        return self.phrases["not_found"].format(query=query)

    def ledger_text(self, r: dict[str, Any], ask: str) -> str:
        """One asked-for ledger figure, in words."""
        if ask == "dso":
            return self.phrases["ledger_dso" if r["dso_days"] is not None else "ledger_no_dso"].format(days=r["dso_days"])
        share = "" if r["overdue_ratio"] is None else self.phrases[
            "share_of_ar" if ask == "overdue" else "share"].format(pct(r["overdue_ratio"], 1))
        key = ask if ask in ("overdue", "aging") else "ar"
        return self.phrases[f"ledger_{key}"].format(
            ar=self.money(r["ar_outstanding"]), overdue=self.money(r["overdue_cny"]), share=share)

    def lead_asks(self, asks: list[str]) -> list[str]:
        """The asked ledger figures a reply states (receivables go unsaid where the overdue or ageing line has them)."""
        return [ask for ask in asks if not (ask == "ar" and {"overdue", "aging"} & set(asks))]
