"""English texts for tool results, for a question written in English: amounts in CNY written out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from tools.replies.builder import FULL_RECORD, Replies, cny, num


class English(Replies):
    """English texts, for a question written in English."""

    GRADE_MEANING: ClassVar[dict[int, str]] = {
        1: "lowest risk", 2: "low risk", 3: "fairly low risk", 4: "low-to-medium risk", 5: "medium risk",
        6: "medium-to-high risk", 7: "fairly high risk", 8: "high risk", 9: "very high risk", 10: "in default",
    }
    STATUS_MEANING: ClassVar[dict[str, str]] = {"active": "active", "watch": "on the watch list", "insolvent": "insolvent"}
    SLOT_LABELS: ClassVar[dict[str, str]] = {
        "receivables": "receivables outstanding", "credit_sales": "credit sales for the period",
        "period_days": "the period those sales cover (a quarter = 90 days, a year = 365)", "overdue": "the overdue amount",
        "current_assets": "current assets", "current_liabilities": "current liabilities", "total_assets": "total assets",
        "net_days": "the net term in days (the 30 in 2/10 Net 30)", "buyer": "the buyer's full company name or buyer id (such as CN1007)",
    }
    FORMULAS: ClassVar[dict[str, tuple[str, str, str, str]]] = {
        "calc_dso": ("DSO (days sales outstanding)", "DSO = receivables ÷ credit sales × days in the period",
                     "how many days a credit sale takes to be collected on average", "receivables, credit sales and "
                     "the days they cover"),
        "overdue_ratio": ("The overdue ratio", "overdue ratio = overdue amount ÷ receivables",
                          "the share of receivables past due", "the overdue amount and receivables"),
        "current_ratio": ("The current ratio", "current ratio = current assets ÷ current liabilities",
                          "short-term ability to pay", "current assets and current liabilities"),
        "working_capital_ratio": ("The working capital ratio",
                                  "(current assets − current liabilities) ÷ total assets",
                                  "working capital as a share of total assets", "current assets, current liabilities "
                                  "and total assets"),
        "discount_cost": ("The yearly cost of passing up a cash discount",
                          "cost = discount ÷ (100% − discount) × 365 ÷ (net days − discount days)",
                          "what skipping early payment costs per year", "the terms, such as 1/15 Net 45"),
    }
    UNAVAILABLE: ClassVar[str] = "The credit service is unavailable right now; please try again later."
    NO_PERMISSION: ClassVar[str] = ("Sorry, buyer credit data is only open to authorised internal users. Calculations "
                                    "such as DSO and questions about credit insurance are still available.")
    WHICH_BUYER: ClassVar[str] = "Which buyer do you mean? Please give " + SLOT_LABELS["buyer"] + "."
    NOT_FOUND: ClassVar[str] = "No such buyer; please check the buyer id or the full company name."
    money = staticmethod(cny)
    figure = staticmethod(num)
    phrases: ClassVar[dict[str, str]] = {
        "who": "{name} ({buyer_id})", "sep": ", ", "list_sep": ", ",
        "formula": "{name}: {formula}.\nIt shows {meaning}. Send me {inputs} and I will work it out.",
        "dso": "DSO is about {days:.1f} days.\n"
               "DSO = receivables ÷ credit sales × days = {receivables} ÷ {credit_sales} × {period} = {days:.1f} days.",
        "dpo": "DPO is about {days:.1f} days.\n"
               "DPO = payables ÷ purchases × days = {payables} ÷ {purchases} × {period} = {days:.1f} days.",
        "invoice_given": "",
        "discount_cost": "Passing up {d:g}/{disc} Net {net} costs about {value} a year ({compound} compounded).\n"
                         "Cost = discount ÷ (100% − discount) × {basis} ÷ (net days − discount days) = "
                         "{d:g}/{rest:g} × {basis}/{span} = {value}.",
        "overdue_ratio": "The overdue ratio is about {value}.\nOverdue ÷ receivables = {overdue} ÷ {receivables} = "
                         "{value}.",
        "current_ratio": "The current ratio is about {value}.\nCurrent assets ÷ current liabilities = "
                         "{current_assets} ÷ {current_liabilities} = {value}.",
        "working_capital_ratio": "The working capital ratio is about {value}.\n(Current assets − current liabilities) "
                                 "÷ total assets = ({current_assets} − {current_liabilities}) ÷ {total_assets} = {value}.",
        "invalid": "These figures cannot be computed ({reason}). Please check them and send them again.",
        "field_credit_limit": "credit limit {limit}", "field_grade": "grade {grade}/10 ({meaning})",
        "field_status": "status {status}", "field_country": "country {country}",
        "verdict_insolvent": "No more credit: {who} is insolvent, grade {grade}/10, credit limit {limit}.",
        "verdict_watch": "Better not extend more credit: {who} is on the watch list, grade {grade}/10, credit limit "
                         "{limit}.",
        "verdict_no_limit": "Better not extend more credit: {who} has no credit limit, grade {grade}/10, credit limit "
                            "{limit}.",
        "verdict_fine": "Yes, within the limit: {who} is active, grade {grade}/10, credit limit {limit}, {late}.",
        "as_of": "(data as of {updated})", "fields_reply": "{who}: {fields}.",
        "compared": "- {name} ({buyer_id}): {fields}.",
        "same_grade": "They have the same grade, {grade}/10 (higher is riskier).",
        "riskiest": "{riskiest} is the riskiest (grade {high}/10), {safest} the safest ({low}/10; higher is riskier).",
        "choices": "{n} buyers match; which one? Reply with the number or the buyer id:",
        "choice": "{i}. {buyer_id} {name} (grade {grade}, {status})",
        "not_found_near": "No buyer named “{query}”. Similar names: {near}; otherwise please give the full name or id.",
        "not_found": "No buyer named “{query}”. Please check the full company name (or USCC, or buyer id such as "
                     "CN1007); a new buyer has to be set up by the credit team first.",
        "ledger_dso": "DSO {days:.1f} days", "ledger_no_dso": "no DSO (no credit sales)",
        "share_of_ar": " ({} of receivables)", "share": " ({} of receivables)",
        "ledger_overdue": "overdue {overdue}{share}", "ledger_aging": "receivables {ar}, aged as below",
        "ledger_ar": "receivables {ar}, of which overdue {overdue}{share}",
    }

    def late(self, days: int) -> str:
        """How the buyer pays."""
        return f"pays {days} days late on average" if days else "pays on time"

    def ask_for(self, missing: list[str], known: dict[str, Any], labels: dict[str, str] | None = None) -> str:
        """The clarifying question for exactly the missing values (a calculator's own labels are Chinese: not used)."""
        wanted = "; ".join(self.SLOT_LABELS.get(m, m.replace("_", " ")) for m in missing)
        figures = "that figure" if len(missing) == 1 else "those figures"
        return f"To work it out I still need: {wanted}. Please send {figures}."

    def dpo_answer(self, args: dict[str, Any], result: dict[str, Any]) -> str:
        """DPO with its formula written out."""
        return self.phrases["dpo"].format(days=result["dpo_days"], payables=num(args["payables"]),
                                          purchases=num(args["purchases"]), period=args["period_days"])

    def render(self, tool: str) -> Callable[[dict[str, Any], dict[str, Any]], str] | None:
        """The English text of a calculator's result; None for a tool with none."""
        return {"calc_dso": self.dso_answer, "calc_dpo": self.dpo_answer, "calc_ratio": self.ratio_answer}.get(tool)

    def buyer_answer(self, buyer: dict[str, Any]) -> str:
        """One buyer's record in one sentence, then a caution when it is on the watch list or insolvent."""
        lines = [self.phrases["fields_reply"].format(who=self.who(buyer), fields=self.fields_text(buyer, FULL_RECORD))]
        if buyer["status"] == "watch":
            lines.append("Caution: on the watch list; tighten terms and check the limit with the insurer first.")
        elif buyer["status"] == "insolvent":
            lines.append("Caution: insolvent; stop selling on credit and report the loss as the policy requires.")
        lines.append(self.phrases["as_of"].format(updated=buyer["updated"]))
        return "\n".join(lines)

    def receivables_answer(self, buyer: dict[str, Any], r: dict[str, Any], asks: Iterable[str] = ()) -> str:
        """A buyer's ledger, the asked figures first (all the main ones when none in particular), then the ageing."""
        a = r["aging"]
        asks = list(dict.fromkeys(asks))
        full = not asks
        asks = asks or ["ar", "dso"]
        lines = [f"{self.who(buyer)} as of {r['as_of']} (credit sales: last {r['period_days']} days): "
                 + "; ".join(self.ledger_text(r, ask) for ask in self.lead_asks(asks)) + "."]
        if "dso" in asks and r["dso_days"] is not None:
            lines.append(f"DSO = {num(r['ar_outstanding'])} ÷ {num(r['credit_sales'])} × {r['period_days']} = "
                         f"{r['dso_days']:.1f} days")
        if "aging" in asks or full:
            lines.append(f"Ageing: current {num(a['current'])}; 1–30 days {num(a['d1_30'])}; 31–60 {num(a['d31_60'])}; "
                         f"61–90 {num(a['d61_90'])}; 90+ {num(a['d90_plus'])}")
        if a["d61_90"] or a["d90_plus"]:
            lines.append("Some is over 60 days past due: chase it, and mind the policy's reporting deadline.")
        return "\n".join(lines)
