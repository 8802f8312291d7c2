"""Chinese answer texts for tool results: figures first, then a one-line formula, never a made-up value."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

GRADE_MEANING = {
    1: "风险最低", 2: "低风险", 3: "较低风险", 4: "中低风险", 5: "中等风险",
    6: "中等偏高风险", 7: "较高风险", 8: "高风险", 9: "很高风险", 10: "已违约",
}
STATUS_MEANING = {"active": "正常经营", "watch": "观察名单", "insolvent": "破产 / 无力偿付"}
SLOT_LABELS = {
    "receivables": "应收账款余额（目前账上还没收回的金额）",
    "credit_sales": "这段期间的赊销额",
    "period_days": "赊销额对应的期间（例如上季度 = 90天，过去60天 = 60天，全年 = 365天）",
    "overdue": "逾期金额",
    "current_assets": "流动资产",
    "current_liabilities": "流动负债",
    "total_assets": "总资产",
    "buyer": "买家的公司全称或买家编号（如 CN1007）",
}
SLOT_EXAMPLES = {  # how a user might type the first missing value (the period's label carries its own examples)
    "receivables": "应收大概50万",
    "credit_sales": "赊销额大概300万",
    "overdue": "逾期20万",
    "current_assets": "流动资产800万",
    "current_liabilities": "流动负债500万",
    "total_assets": "总资产2000万",
}
UNAVAILABLE = "查询服务暂时不可用，请稍后再试。"
WHICH_BUYER = f"请问是哪一家买家？请提供{SLOT_LABELS['buyer']}。"
NOT_FOUND = "未找到该买家，请确认买家编号或公司全称。"
NO_PERMISSION = (
    "抱歉，买家信用信息只对授权的内部用户开放，当前账号没有查询权限；如需查询请联系您的客户经理或信用管理团队。"
    "DSO、折扣成本等计算以及信用保险知识问答仍可随时使用。"
)


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


def pct(value: float, digits: int = 2) -> str:
    """A fraction as a percentage: 0.1053 -> "10.53%"."""
    return f"{value * 100:.{digits}f}%"


def ask_for(missing: list[str], known: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    """The clarifying question for exactly the missing values (``labels`` adds a calculator's own)."""
    labels = {**SLOT_LABELS, **(labels or {})}
    have = []
    if "receivables" in known:
        have.append(f"应收 {wan(known['receivables'])}")
    if "credit_sales" in known:
        have.append(f"赊销 {wan(known['credit_sales'])}")
    if "period_days" in known:
        have.append(f"期间 {known['period_days']}天")
    prefix = f"已记下：{'，'.join(have)}。" if have else ""
    wanted = "；".join(labels.get(m, m) for m in missing)
    example = SLOT_EXAMPLES.get(missing[0]) if missing else None
    hint = f"，例如“{example}”" if example else ""
    return f"{prefix}要计算还缺：{wanted}。请告诉我{'这个数字' if len(missing) == 1 else '这些数字'}{hint}。"


FORMULAS = {
    "calc_dso": ("DSO（应收账款周转天数）", "DSO = 应收账款 ÷ 赊销额 × 天数",
                 "表示平均一笔赊销要多少天才能收回货款，天数越长回款越慢",
                 "应收账款余额、这段期间的赊销额和期间天数（如上季度 = 90天）"),
    "overdue_ratio": ("逾期率", "逾期率 = 逾期金额 ÷ 应收账款", "表示应收账款中已经逾期的比例",
                      "逾期金额和应收账款余额"),
    "current_ratio": ("流动比率", "流动比率 = 流动资产 ÷ 流动负债", "衡量短期偿债能力，一般认为 1.5–2 以上较稳",
                      "流动资产和流动负债"),
    "working_capital_ratio": ("营运资本比率", "营运资本比率 = (流动资产 − 流动负债) ÷ 总资产",
                              "表示营运资本占总资产的比例，为负说明短期偿债压力大", "流动资产、流动负债和总资产"),
    "discount_cost": ("现金折扣的年化成本", "年化成本 = 折扣率 ÷ (100% − 折扣率) × 365 ÷ (付款期 − 折扣期)",
                      "表示放弃提前付款折扣相当于付出的年化资金成本，高于企业资金成本时拿折扣更划算",
                      "付款条件，例如 2/10 Net 30（10天内付款享2%折扣，30天付清）"),
}


def formula_answer(explained: tuple[str, str, str, str]) -> str:
    """How a calculator computes its figure — (name, formula, meaning, inputs) — and an offer to compute it."""
    name, formula, meaning, inputs = explained
    return f"{name}的计算公式：\n{formula}\n{meaning}。\n如需我直接帮您算，请告诉我{inputs}。"


def dso_answer(args: dict[str, Any], result: dict[str, Any]) -> str:
    """DSO with its formula written out."""
    days = result["dso_days"]
    return (
        f"DSO（应收账款周转天数）约为 {days:.1f} 天。\n"
        f"DSO = 应收账款 ÷ 赊销额 × 天数 = {wan(args['receivables'])} ÷ {wan(args['credit_sales'])} × "
        f"{args['period_days']} = {days:.1f}天。"
    )


def ratio_answer(args: dict[str, Any], result: dict[str, Any]) -> str:
    """Any ratio calculator's result with its formula."""
    kind = args["kind"]
    value = result["value"]
    if kind == "discount_cost":
        d, disc, net = args["discount_pct"], args["discount_days"], args["net_days"]
        d_txt = f"{d:g}"
        invoice = args.get("invoice")
        given = (f"{wan(invoice)}的发票在{disc}天内付款，要让出 {wan(invoice * d / 100)}（{wan(invoice)} × {d_txt}%）。\n"
                 if invoice else "")
        return given + (
            f"不享受 {d_txt}/{disc} Net {net} 这个现金折扣，相当于年化成本约 {pct(value)}"
            f"（按复利计约 {pct(result['compound'])}）。\n"
            f"年化成本 = 折扣率 ÷ (100% − 折扣率) × 365 ÷ (付款期 − 折扣期) = {d_txt}/{100 - d:g} × 365/{net - disc} "
            f"= {pct(value)}。"
        )
    if kind == "overdue_ratio":
        return (
            f"逾期率约为 {pct(value, 1)}。\n逾期率 = 逾期金额 ÷ 应收账款 = {wan(args['overdue'])} ÷ "
            f"{wan(args['receivables'])} = {pct(value, 1)}。"
        )
    if kind == "current_ratio":
        return (
            f"流动比率约为 {value:.2f}。\n流动比率 = 流动资产 ÷ 流动负债 = {wan(args['current_assets'])} ÷ "
            f"{wan(args['current_liabilities'])} = {value:.2f}。"
        )
    return (
        f"营运资本比率约为 {pct(value, 1)}。\n营运资本比率 = (流动资产 − 流动负债) ÷ 总资产 = "
        f"({wan(args['current_assets'])} − {wan(args['current_liabilities'])}) ÷ {wan(args['total_assets'])} "
        f"= {pct(value, 1)}。"
    )


def buyer_answer(buyer: dict[str, Any]) -> str:
    """One buyer's record in a sentence (grade with its meaning, status, limit, payment), a caution, the date."""
    grade = buyer["grade"]
    late = f"平均逾期{buyer['avg_days_late']}天付款" if buyer["avg_days_late"] else "基本按时付款"
    status = "在观察名单上" if buyer["status"] == "watch" else STATUS_MEANING.get(buyer["status"], buyer["status"])
    lines = [
        f"{buyer['name']}（{buyer['buyer_id']}）信用等级{grade}/10（{GRADE_MEANING.get(grade, '')}；10 = 已违约），"
        f"{status}，建议信用限额为{yuan(buyer['credit_limit_cny'])}，{late}。"
    ]
    if buyer["status"] == "watch":
        lines.append("⚠ 注意：该买家在观察名单上，建议收紧账期、控制新增敞口，必要时先与保险公司确认限额。")
    elif buyer["status"] == "insolvent":
        lines.append("⚠ 注意：该买家已破产或无力偿付，请停止赊销，并尽快按保单要求报损 / 申请理赔。")
    lines.append(f"（{buyer['country']}，{buyer['industry']}；数据更新于 {buyer['updated']}）")
    return "\n".join(lines)


def _field_text(buyer: dict[str, Any], field: str) -> str:
    """One asked-for field of a buyer's record, in words."""
    if field == "credit_limit":
        return f"建议信用限额为{yuan(buyer['credit_limit_cny'])}"
    if field == "grade":
        return f"信用等级为{buyer['grade']}/10（{GRADE_MEANING.get(buyer['grade'], '')}）"
    if field == "status":
        return f"状态为{STATUS_MEANING.get(buyer['status'], buyer['status'])}"
    if field == "avg_days_late":
        days = buyer["avg_days_late"]
        return f"平均逾期{days}天付款" if days else "基本按时付款（平均逾期0天）"
    return f"所在国家/地区为{buyer['country']}"


def credit_verdict(buyer: dict[str, Any]) -> str:
    """Whether to keep selling to the buyer on credit, from its record alone, answer first."""
    who = f"{buyer['name']}（{buyer['buyer_id']}）"
    limit = yuan(buyer["credit_limit_cny"])
    if buyer["status"] == "insolvent":
        return f"不能再赊销：{who}已破产 / 无力偿付，信用等级{buyer['grade']}/10，建议信用限额为{limit}。"
    if buyer["status"] == "watch" or not buyer["credit_limit_cny"]:
        return (f"不建议继续放账：{who}{'在观察名单上' if buyer['status'] == 'watch' else '没有可用的信用限额'}，"
                f"信用等级{buyer['grade']}/10，建议信用限额为{limit}。")
    return (f"可以在限额内继续赊销：{who}正常经营，信用等级{buyer['grade']}/10，建议信用限额为{limit}，"
            f"平均逾期{buyer['avg_days_late']}天。")


# What a reply to one field adds in a line, unasked.
_CONTEXT_FIELDS = ("grade", "status", "credit_limit", "avg_days_late")


def buyer_reply(buyer: dict[str, Any], fields: list[str], *, decision: bool = False) -> str:
    """A buyer's record for a question: the verdict, or the fields asked then the rest of its risk in one line
    (and the caution of a watched or insolvent buyer); the record card when nothing in particular was asked."""
    if decision:
        return f"{credit_verdict(buyer)}\n（数据更新于 {buyer['updated']}）"
    if not fields:
        return buyer_answer(buyer)
    first = f"{buyer['name']}（{buyer['buyer_id']}）" + "，".join(_field_text(buyer, f) for f in fields) + "。"
    rest = [_field_text(buyer, f) for f in _CONTEXT_FIELDS if f not in fields]
    context = ("另：" + "，".join(rest) + "；") if rest else ""
    caution = [line for line in buyer_answer(buyer).splitlines() if line.startswith("⚠")]
    return "\n".join([first, f"{context}数据更新于 {buyer['updated']}。", *caution])


def buyers_compared(buyers: list[dict[str, Any]], fields: list[str]) -> str:
    """Several buyers side by side: which is riskiest first, then each one's fields in one line."""
    shown = fields or ["grade", "status", "credit_limit", "avg_days_late"]
    lines = [f"- {b['buyer_id']} {b['name']}：" + "，".join(_field_text(b, f) for f in shown) + "。" for b in buyers]
    if "grade" not in shown:
        return "\n".join(line[2:] for line in lines)  # the asked figure of each, one line each
    riskiest = max(buyers, key=lambda b: b["grade"])
    safest = min(buyers, key=lambda b: b["grade"])
    if riskiest["grade"] == safest["grade"]:
        first = f"这几家买家的信用等级相同，都是{riskiest['grade']}/10（等级越高风险越大）。"
    else:
        first = (f"{riskiest['name']}风险最高（信用等级{riskiest['grade']}/10），{safest['name']}最低"
                 f"（{safest['grade']}/10；等级越高风险越大）。")
    return "\n".join([first, *lines])


def choices_answer(matches: list[dict[str, Any]]) -> str:
    """A short list of buyers to choose from."""
    lines = [f"找到 {len(matches)} 家匹配的买家，请问是哪一家？回复序号或买家编号即可："]
    for i, m in enumerate(matches, 1):
        lines.append(f"{i}. {m['buyer_id']} {m['name']}（等级 {m['grade']}，{STATUS_MEANING.get(m['status'], m['status'])}）")
    return "\n".join(lines)


def not_found_answer(query: str, near: list[str] | None = None) -> str:
    """No buyer matched; ``near``: directory names that resemble the query, offered to try."""
    if near:
        return (f"未找到名称或编号为“{query}”的买家。名称相近的有：{'、'.join(near)}；若不是，请提供公司全称、"
                "统一社会信用代码或买家编号（如 CN1007）。")
    return (
        f"未找到名称或编号为“{query}”的买家。请确认公司全称（或统一社会信用代码、买家编号如 CN1007）是否正确；"
        "如果是新买家，需要先由信用管理团队建档后才能查询。"
    )


def past_due_over_30(ledger: dict[str, Any]) -> float | None:
    """The share of the outstanding AR more than 30 days past due (the 31–60, 61–90 and 90+ day buckets)."""
    a = ledger["aging"]
    if not ledger.get("ar_outstanding"):
        return None
    return (a["d31_60"] + a["d61_90"] + a["d90_plus"]) / ledger["ar_outstanding"]


def _ledger_text(r: dict[str, Any], ask: str) -> str:
    """One asked-for ledger figure, in words."""
    if ask == "dso":
        return f"DSO为{r['dso_days']:.1f}天" if r["dso_days"] is not None else "期间没有赊销，算不出DSO"
    if ask == "overdue":
        share = "" if r["overdue_ratio"] is None else f"（占应收{pct(r['overdue_ratio'], 1)}）"
        return f"逾期金额{yuan(r['overdue_cny'])}{share}"
    if ask == "aging":
        return f"应收余额{yuan(r['ar_outstanding'])}，按账龄分布如下"
    share = "" if r["overdue_ratio"] is None else f"（占{pct(r['overdue_ratio'], 1)}）"
    return f"应收余额{yuan(r['ar_outstanding'])}，其中逾期{yuan(r['overdue_cny'])}{share}"


def receivables_answer(buyer: dict[str, Any], r: dict[str, Any], asks: Iterable[str] = ()) -> str:
    """A buyer's ledger: AR, credit sales, DSO with formula, overdue and ageing; the figures ``asks`` names first."""
    a = r["aging"]
    if r["dso_days"] is None:
        dso_line = f"- DSO：近{r['period_days']}天没有赊销，无法计算"
    else:
        dso_line = (
            f"- DSO = 应收 ÷ 赊销 × 天数 = {wan(r['ar_outstanding'])} ÷ {wan(r['credit_sales'])} × "
            f"{r['period_days']} = {r['dso_days']:.1f}天"
        )
    ratio = "" if r["overdue_ratio"] is None else f"（占应收 {pct(r['overdue_ratio'], 1)}）"
    lines = [
        f"{buyer['buyer_id']} {buyer['name']}，截至 {r['as_of']}（赊销按近{r['period_days']}天计）：",
        f"- 应收余额：{yuan(r['ar_outstanding'])}",
        f"- 期间赊销：{yuan(r['credit_sales'])}",
        dso_line,
        f"- 逾期金额：{yuan(r['overdue_cny'])}{ratio}",
        f"- 账龄：未到期 {yuan(a['current'])}；逾期1–30天 {yuan(a['d1_30'])}；31–60天 {yuan(a['d31_60'])}；"
        f"61–90天 {yuan(a['d61_90'])}；90天以上 {yuan(a['d90_plus'])}",
    ]
    warning = "⚠ 有逾期超过60天的账款，请及时催收，并留意保单规定的报损期限。" if a["d61_90"] or a["d90_plus"] else ""
    asks = list(dict.fromkeys(asks))
    if asks:  # the asked figures in one sentence, then only the lines that show how
        said = [ask for ask in asks if not (ask == "ar" and {"overdue", "aging"} & set(asks))]  # AR is in those
        lead = (f"{buyer['name']}（{buyer['buyer_id']}）截至 {r['as_of']}（赊销按近{r['period_days']}天计），"
                + "，".join(_ledger_text(r, ask) for ask in said) + "。")
        lines = [lead] + [line[2:] for line, ask in ((dso_line, "dso"), (lines[5], "aging")) if ask in asks]
    lines += [warning] if warning else []
    return "\n".join(lines)
