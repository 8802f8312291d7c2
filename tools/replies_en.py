"""English answer texts for tool results, for a question written in English: the same facts as
:mod:`tools.replies`, figures first, amounts in CNY written out ("CNY 1,250,000")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tools.replies import pct

GRADE_MEANING = {
    1: "lowest risk", 2: "low risk", 3: "fairly low risk", 4: "low-to-medium risk", 5: "medium risk",
    6: "medium-to-high risk", 7: "fairly high risk", 8: "high risk", 9: "very high risk", 10: "in default",
}
STATUS_MEANING = {"active": "active", "watch": "on the watch list", "insolvent": "insolvent"}
SLOT_LABELS = {
    "receivables": "receivables outstanding", "credit_sales": "credit sales for the period",
    "period_days": "the period those sales cover (a quarter = 90 days, a year = 365)", "overdue": "the overdue amount",
    "current_assets": "current assets", "current_liabilities": "current liabilities", "total_assets": "total assets",
    "buyer": "the buyer's full company name or buyer id (such as CN1007)",
}
UNAVAILABLE = "The credit service is unavailable right now; please try again later."
NO_PERMISSION = ("Sorry, buyer credit data is only open to authorised internal users. Calculations such as DSO "
                 "and questions about credit insurance are still available.")
WHICH_BUYER = "Which buyer do you mean? Please give " + SLOT_LABELS["buyer"] + "."
NOT_FOUND = "No such buyer; please check the buyer id or the full company name."


def cny(value: float) -> str:
    """A CNY amount written out: 1250000 -> "CNY 1,250,000", 304889.26 -> "CNY 304,889.26"."""
    return f"CNY {value:,.0f}" if value == int(value) else f"CNY {value:,.2f}"


def num(value: float) -> str:
    """A plain figure with thousands separators: 720000 -> "720,000"."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def ask_for(missing: list[str], known: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    """The clarifying question for exactly the missing values (a calculator's own labels are Chinese: not used)."""
    wanted = "; ".join(SLOT_LABELS.get(m, m.replace("_", " ")) for m in missing)
    figures = "that figure" if len(missing) == 1 else "those figures"
    return f"To work it out I still need: {wanted}. Please send {figures}."


def dso_answer(args: dict[str, Any], result: dict[str, Any]) -> str:
    days = result["dso_days"]
    return (f"DSO is about {days:.1f} days.\nDSO = receivables ÷ credit sales × days = {num(args['receivables'])} ÷ "
            f"{num(args['credit_sales'])} × {args['period_days']} = {days:.1f} days.")


def dpo_answer(args: dict[str, Any], result: dict[str, Any]) -> str:
    days = result["dpo_days"]
    return (f"DPO is about {days:.1f} days.\nDPO = payables ÷ purchases × days = {num(args['payables'])} ÷ "
            f"{num(args['purchases'])} × {args['period_days']} = {days:.1f} days.")


def ratio_answer(args: dict[str, Any], result: dict[str, Any]) -> str:
    kind, value = args["kind"], result["value"]
    if kind == "discount_cost":
        d, disc, net = args["discount_pct"], args["discount_days"], args["net_days"]
        return (f"Passing up {d:g}/{disc} Net {net} costs about {pct(value)} a year ({pct(result['compound'])} "
                f"compounded).\nCost = discount ÷ (100% − discount) × 365 ÷ (net days − discount days) = "
                f"{d:g}/{100 - d:g} × 365/{net - disc} = {pct(value)}.")
    if kind == "overdue_ratio":
        return (f"The overdue ratio is about {pct(value, 1)}.\nOverdue ÷ receivables = {num(args['overdue'])} ÷ "
                f"{num(args['receivables'])} = {pct(value, 1)}.")
    if kind == "current_ratio":
        return (f"The current ratio is about {value:.2f}.\nCurrent assets ÷ current liabilities = "
                f"{num(args['current_assets'])} ÷ {num(args['current_liabilities'])} = {value:.2f}.")
    return (f"The working capital ratio is about {pct(value, 1)}.\n(Current assets − current liabilities) ÷ total "
            f"assets = ({num(args['current_assets'])} − {num(args['current_liabilities'])}) ÷ "
            f"{num(args['total_assets'])} = {pct(value, 1)}.")


RENDER = {"calc_dso": dso_answer, "calc_dpo": dpo_answer, "calc_ratio": ratio_answer}

FORMULAS = {  # kind: (name, formula, what it tells, what to send)
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


def formula_answer(kind: str) -> str | None:
    """How a calculator works and an offer to compute it; None for a calculator with no English text."""
    if kind not in FORMULAS:
        return None
    name, formula, meaning, inputs = FORMULAS[kind]
    return f"{name}: {formula}.\nIt shows {meaning}. Send me {inputs} and I will work it out."


def _late(days: int) -> str:
    return f"pays {days} days late on average" if days else "pays on time"


def _field_text(buyer: dict[str, Any], field: str) -> str:
    if field == "credit_limit":
        return f"credit limit {cny(buyer['credit_limit_cny'])}"
    if field == "grade":
        return f"grade {buyer['grade']}/10 ({GRADE_MEANING.get(buyer['grade'], '')})"
    if field == "status":
        return f"status {STATUS_MEANING.get(buyer['status'], buyer['status'])}"
    if field == "avg_days_late":
        return _late(buyer["avg_days_late"])
    return f"country {buyer['country']}"


def buyer_answer(buyer: dict[str, Any]) -> str:
    """One buyer's record in one sentence, then a caution when it is on the watch list or insolvent."""
    fields = ["grade", "status", "credit_limit", "avg_days_late"]
    lines = [f"{buyer['name']} ({buyer['buyer_id']}): " + ", ".join(_field_text(buyer, f) for f in fields) + "."]
    if buyer["status"] == "watch":
        lines.append("Caution: on the watch list; tighten terms and check the limit with the insurer first.")
    elif buyer["status"] == "insolvent":
        lines.append("Caution: insolvent; stop selling on credit and report the loss as the policy requires.")
    lines.append(f"(data as of {buyer['updated']})")
    return "\n".join(lines)


def credit_verdict(buyer: dict[str, Any]) -> str:
    who, limit = f"{buyer['name']} ({buyer['buyer_id']})", cny(buyer["credit_limit_cny"])
    if buyer["status"] == "insolvent":
        return f"No more credit: {who} is insolvent, grade {buyer['grade']}/10, credit limit {limit}."
    if buyer["status"] == "watch" or not buyer["credit_limit_cny"]:
        why = "is on the watch list" if buyer["status"] == "watch" else "has no credit limit"
        return f"Better not extend more credit: {who} {why}, grade {buyer['grade']}/10, credit limit {limit}."
    return (f"Yes, within the limit: {who} is active, grade {buyer['grade']}/10, credit limit {limit}, "
            f"{_late(buyer['avg_days_late'])}.")


def buyer_reply(buyer: dict[str, Any], fields: list[str], *, decision: bool = False) -> str:
    """The verdict or the fields asked, answer first; the whole record when nothing in particular was asked."""
    if decision:
        return f"{credit_verdict(buyer)}\n(data as of {buyer['updated']})"
    if not fields:
        return buyer_answer(buyer)
    first = f"{buyer['name']} ({buyer['buyer_id']}): " + ", ".join(_field_text(buyer, f) for f in fields) + "."
    return f"{first}\n(data as of {buyer['updated']})"


def buyers_compared(buyers: list[dict[str, Any]], fields: list[str]) -> str:
    shown = fields or ["grade", "status", "credit_limit", "avg_days_late"]
    lines = [f"- {b['name']} ({b['buyer_id']}): " + ", ".join(_field_text(b, f) for f in shown) + "." for b in buyers]
    if "grade" not in shown:
        return "\n".join(line[2:] for line in lines)
    riskiest, safest = max(buyers, key=lambda b: b["grade"]), min(buyers, key=lambda b: b["grade"])
    if riskiest["grade"] == safest["grade"]:
        first = f"They have the same grade, {riskiest['grade']}/10 (higher is riskier)."
    else:
        first = (f"{riskiest['name']} is the riskiest (grade {riskiest['grade']}/10), {safest['name']} the safest "
                 f"({safest['grade']}/10; higher is riskier).")
    return "\n".join([first, *lines])


def choices_answer(matches: list[dict[str, Any]]) -> str:
    lines = [f"{len(matches)} buyers match; which one? Reply with the number or the buyer id:"]
    lines += [f"{i}. {m['buyer_id']} {m['name']} (grade {m['grade']}, {STATUS_MEANING.get(m['status'], m['status'])})"
              for i, m in enumerate(matches, 1)]
    return "\n".join(lines)


def not_found_answer(query: str, near: list[str] | None = None) -> str:
    if near:
        return f"No buyer named “{query}”. Similar names: {', '.join(near)}; otherwise please give the full name or id."
    return (f"No buyer named “{query}”. Please check the full company name (or USCC, or buyer id such as CN1007); "
            "a new buyer has to be set up by the credit team first.")


def _ledger_text(r: dict[str, Any], ask: str) -> str:
    if ask == "dso":
        return f"DSO {r['dso_days']:.1f} days" if r["dso_days"] is not None else "no DSO (no credit sales)"
    share = "" if r["overdue_ratio"] is None else f" ({pct(r['overdue_ratio'], 1)} of receivables)"
    if ask == "overdue":
        return f"overdue {cny(r['overdue_cny'])}{share}"
    if ask == "aging":
        return f"receivables {cny(r['ar_outstanding'])}, aged as below"
    return f"receivables {cny(r['ar_outstanding'])}, of which overdue {cny(r['overdue_cny'])}{share}"


def receivables_answer(buyer: dict[str, Any], r: dict[str, Any], asks: Iterable[str] = ()) -> str:
    """A buyer's ledger, the asked figures first (all the main ones when none in particular), then the ageing."""
    a = r["aging"]
    asks = list(dict.fromkeys(asks))
    full = not asks
    asks = asks or ["ar", "dso"]
    said = [ask for ask in asks if not (ask == "ar" and {"overdue", "aging"} & set(asks))]
    lines = [f"{buyer['name']} ({buyer['buyer_id']}) as of {r['as_of']} (credit sales: last {r['period_days']} days): "
             + "; ".join(_ledger_text(r, ask) for ask in said) + "."]
    if "dso" in asks and r["dso_days"] is not None:
        lines.append(f"DSO = {num(r['ar_outstanding'])} ÷ {num(r['credit_sales'])} × {r['period_days']} = "
                     f"{r['dso_days']:.1f} days")
    if "aging" in asks or full:
        lines.append(f"Ageing: current {num(a['current'])}; 1–30 days {num(a['d1_30'])}; 31–60 {num(a['d31_60'])}; "
                     f"61–90 {num(a['d61_90'])}; 90+ {num(a['d90_plus'])}")
    if a["d61_90"] or a["d90_plus"]:
        lines.append("Some is over 60 days past due: chase it, and mind the policy's reporting deadline.")
    return "\n".join(lines)


def invalid_text(reason: str) -> str:
    """A calculator's refusal, with its own (English) reason."""
    return f"These figures cannot be computed ({reason}). Please check them and send them again."
