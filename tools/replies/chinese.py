"""Chinese texts for tool results."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from tools.replies.builder import FULL_RECORD, Replies, pct, wan, yuan


class Chinese(Replies):
    """Chinese texts."""

    GRADE_MEANING: ClassVar[dict[int, str]] = {
        1: "风险最低", 2: "低风险", 3: "较低风险", 4: "中低风险", 5: "中等风险",
        6: "中等偏高风险", 7: "较高风险", 8: "高风险", 9: "很高风险", 10: "已违约",
    }
    STATUS_MEANING: ClassVar[dict[str, str]] = {"active": "正常经营", "watch": "观察名单", "insolvent": "破产 / 无力偿付"}
    SLOT_LABELS: ClassVar[dict[str, str]] = {
        "receivables": "应收账款余额（目前账上还没收回的金额）",
        "credit_sales": "这段期间的赊销额",
        "period_days": "赊销额对应的期间（例如上季度 = 90天，过去60天 = 60天，全年 = 365天）",
        "overdue": "逾期金额",
        "current_assets": "流动资产",
        "current_liabilities": "流动负债",
        "total_assets": "总资产",
        "net_days": "全款的付款期限（Net 天数，例如 2/10 Net 30 里的 30天）",
        "buyer": "买家的公司全称或买家编号（如 CN1007）",
    }
    # How a user might type the first missing value (the period's label carries its own examples).
    SLOT_EXAMPLES: ClassVar[dict[str, str]] = {
        "receivables": "应收大概50万",
        "credit_sales": "赊销额大概300万",
        "overdue": "逾期20万",
        "current_assets": "流动资产800万",
        "current_liabilities": "流动负债500万",
        "total_assets": "总资产2000万",
        "net_days": "Net 30",
    }
    FORMULAS: ClassVar[dict[str, tuple[str, str, str, str]]] = {
        "calc_dso": ("DSO（应收账款周转天数）", "DSO = 应收账款 ÷ 赊销额 × 天数",
                     "表示平均一笔赊销要多少天才能收回货款，天数越长回款越慢",
                     "应收账款余额、这段期间的赊销额和期间天数（如上季度 = 90天）"),
        "overdue_ratio": ("逾期率", "逾期率 = 逾期金额 ÷ 应收账款", "表示应收账款中已经逾期的比例",
                          "逾期金额和应收账款余额"),
        "current_ratio": ("流动比率", "流动比率 = 流动资产 ÷ 流动负债", "衡量短期偿债能力，越高说明短期偿债越有保障",
                          "流动资产和流动负债"),
        "working_capital_ratio": ("营运资本比率", "营运资本比率 = (流动资产 − 流动负债) ÷ 总资产",
                                  "表示营运资本占总资产的比例，为负说明短期偿债压力大", "流动资产、流动负债和总资产"),
        "discount_cost": ("现金折扣的年化成本", "年化成本 = 折扣率 ÷ (100% − 折扣率) × 365 ÷ (付款期 − 折扣期)",
                          "表示放弃提前付款折扣相当于付出的年化资金成本，高于企业资金成本时拿折扣更划算",
                          "付款条件，例如 1/15 Net 45（15天内付款享1%折扣，45天付清）"),
    }
    UNAVAILABLE: ClassVar[str] = "查询服务暂时不可用，请稍后再试。"
    WHICH_BUYER: ClassVar[str] = f"请问是哪一家买家？请提供{SLOT_LABELS['buyer']}。"
    NOT_FOUND: ClassVar[str] = "未找到该买家，请确认买家编号或公司全称。"
    NO_PERMISSION: ClassVar[str] = (
        "抱歉，买家信用信息只对授权的内部用户开放，当前账号没有查询权限；如需查询请联系您的客户经理或信用管理团队。"
        "DSO、折扣成本等计算以及信用保险知识问答仍可随时使用。"
    )
    money = staticmethod(yuan)
    figure = staticmethod(wan)
    phrases: ClassVar[dict[str, str]] = {
        "who": "{name}（{buyer_id}）", "sep": "，", "list_sep": "、",
        "formula": "{name}的计算公式：\n{formula}\n{meaning}。\n如需我直接帮您算，请告诉我{inputs}。",
        "dso": "DSO（应收账款周转天数）约为 {days:.1f} 天。\n"
               "DSO = 应收账款 ÷ 赊销额 × 天数 = {receivables} ÷ {credit_sales} × {period} = {days:.1f}天。",
        "invoice_given": "{invoice}的发票在{disc}天内付款，要让出 {given}（{invoice} × {d:g}%），实收 {received}。\n",
        "discount_cost": "不享受 {d:g}/{disc} Net {net} 这个现金折扣，相当于年化成本约 {value}（按复利计约 {compound}）。\n"
                         "年化成本 = 折扣率 ÷ (100% − 折扣率) × {basis} ÷ (付款期 − 折扣期) = {d:g}/{rest:g} × {basis}/{span} "
                         "= {value}。",
        "overdue_ratio": "逾期率约为 {value}。\n逾期率 = 逾期金额 ÷ 应收账款 = {overdue} ÷ {receivables} = {value}。",
        "current_ratio": "流动比率约为 {value}。\n流动比率 = 流动资产 ÷ 流动负债 = {current_assets} ÷ "
                         "{current_liabilities} = {value}。",
        "working_capital_ratio": "营运资本比率约为 {value}。\n营运资本比率 = (流动资产 − 流动负债) ÷ 总资产 = "
                                 "({current_assets} − {current_liabilities}) ÷ {total_assets} = {value}。",
        "invalid": "这组数字没法计算：{reason}。请检查后再发一次。",
        "field_credit_limit": "建议信用限额为{limit}", "field_grade": "信用等级为{grade}/10（{meaning}）",
        "field_status": "状态为{status}", "field_country": "所在国家/地区为{country}",
        "verdict_insolvent": "不能再赊销：{who}已破产 / 无力偿付，信用等级{grade}/10，建议信用限额为{limit}。",
        "verdict_watch": "不建议继续放账：{who}在观察名单上，信用等级{grade}/10，建议信用限额为{limit}。",
        "verdict_no_limit": "不建议继续放账：{who}没有可用的信用限额，信用等级{grade}/10，建议信用限额为{limit}。",
        "verdict_fine": "可以在限额内继续赊销：{who}正常经营，信用等级{grade}/10，建议信用限额为{limit}，{late}。",
        "as_of": "（数据更新于 {updated}）", "fields_reply": "{who}{fields}。",
        "compared": "- {buyer_id} {name}：{fields}。",
        "same_grade": "这几家买家的信用等级相同，都是{grade}/10（等级越高风险越大）。",
        "riskiest": "{riskiest}风险最高（信用等级{high}/10），{safest}最低（{low}/10；等级越高风险越大）。",
        "choices": "找到 {n} 家匹配的买家，请问是哪一家？回复序号或买家编号即可：",
        "choice": "{i}. {buyer_id} {name}（等级 {grade}，{status}）",
        "not_found_near": "未找到名称或编号为“{query}”的买家。名称相近的有：{near}；若不是，请提供公司全称、"
                          "统一社会信用代码或买家编号（如 CN1007）。",
        "not_found": "未找到名称或编号为“{query}”的买家。请确认公司全称（或统一社会信用代码、买家编号如 CN1007）是否正确；"
                     "如果是新买家，需要先由信用管理团队建档后才能查询。",
        "ledger_dso": "DSO为{days:.1f}天", "ledger_no_dso": "期间没有赊销，算不出DSO",
        "share_of_ar": "（占应收{}）", "share": "（占{}）",
        "ledger_overdue": "逾期金额{overdue}{share}", "ledger_aging": "应收余额{ar}，按账龄分布如下",
        "ledger_ar": "应收余额{ar}，其中逾期{overdue}{share}",
    }
    # What a reply to one field adds in a line, unasked.
    CONTEXT_FIELDS: ClassVar[tuple[str, ...]] = FULL_RECORD
    # A calculator's refusal names the field it is about.
    FIELD_NAMES: ClassVar[dict[str, str]] = {
        "credit_sales": "赊销额", "receivables": "应收账款", "period_days": "期间天数", "overdue": "逾期金额",
        "current_liabilities": "流动负债", "current_assets": "流动资产", "total_assets": "总资产",
    }

    def late(self, days: int) -> str:
        """How the buyer pays, as a field of its record."""
        return f"平均逾期{days}天付款" if days else "基本按时付款（平均逾期0天）"

    def verdict_late(self, buyer: dict[str, Any]) -> str:
        """How the buyer pays, in a verdict to keep selling to it."""
        return f"平均逾期{buyer['avg_days_late']}天"

    def invalid_reason(self, result: dict[str, Any]) -> str:
        """Why a calculator refused its inputs, in Chinese."""
        message = str(result.get("message", ""))
        field = next((name for key, name in self.FIELD_NAMES.items() if key in message), "数字")
        if "greater than 0" in message:
            return f"{field}必须大于 0"
        if "negative" in message or "greater than or equal to 0" in message:
            return f"{field}不能为负数"
        if "exceed" in message:
            return "逾期金额不能超过应收账款"
        if "too large" in message or "less than or equal to" in message:
            return f"{field}过大或过小，算不出有意义的结果"
        return message or "输入有误"

    def ask_for(self, missing: list[str], known: dict[str, Any], labels: dict[str, str] | None = None) -> str:
        """The clarifying question for exactly the missing values (``labels`` adds a calculator's own)."""
        labels = {**self.SLOT_LABELS, **(labels or {})}
        have = []
        if "receivables" in known:
            have.append(f"应收 {wan(known['receivables'])}")
        if "credit_sales" in known:
            have.append(f"赊销 {wan(known['credit_sales'])}")
        if "period_days" in known:
            have.append(f"期间 {known['period_days']}天")
        prefix = f"已记下：{'，'.join(have)}。" if have else ""
        wanted = "；".join(labels.get(m, m) for m in missing)
        example = self.SLOT_EXAMPLES.get(missing[0]) if missing else None
        hint = f"，例如“{example}”" if example else ""
        return f"{prefix}要计算还缺：{wanted}。请告诉我{'这个数字' if len(missing) == 1 else '这些数字'}{hint}。"

    def buyer_answer(self, buyer: dict[str, Any]) -> str:
        """One buyer's record in a sentence (grade with its meaning, status, limit, payment), a caution, the date."""
        grade = buyer["grade"]
        late = f"平均逾期{buyer['avg_days_late']}天付款" if buyer["avg_days_late"] else "基本按时付款"
        status = "在观察名单上" if buyer["status"] == "watch" else self.STATUS_MEANING.get(buyer["status"], buyer["status"])
        lines = [
            f"{self.who(buyer)}信用等级{grade}/10（{self.GRADE_MEANING.get(grade, '')}；10 = 已违约），"
            f"{status}，建议信用限额为{yuan(buyer['credit_limit_cny'])}，{late}。"
        ]
        if buyer["status"] == "watch":
            lines.append("⚠ 注意：该买家在观察名单上，建议收紧账期、控制新增敞口，必要时先与保险公司确认限额。")
        elif buyer["status"] == "insolvent":
            lines.append("⚠ 注意：该买家已破产或无力偿付，请停止赊销，并尽快按保单要求报损 / 申请理赔。")
        lines.append(f"（{buyer['country']}，{buyer['industry']}；数据更新于 {buyer['updated']}）")
        return "\n".join(lines)

    def after_fields(self, buyer: dict[str, Any], fields: list[str]) -> list[str]:
        """The rest of the buyer's risk in one line, then the caution of a watched or insolvent buyer."""
        rest = [self.field_text(buyer, f) for f in self.CONTEXT_FIELDS if f not in fields]
        context = ("另：" + "，".join(rest) + "；") if rest else ""
        caution = [line for line in self.buyer_answer(buyer).splitlines() if line.startswith("⚠")]
        return [f"{context}数据更新于 {buyer['updated']}。", *caution]

    def receivables_answer(self, buyer: dict[str, Any], r: dict[str, Any], asks: Iterable[str] = ()) -> str:
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
            lead = (f"{self.who(buyer)}截至 {r['as_of']}（赊销按近{r['period_days']}天计），"
                    + "，".join(self.ledger_text(r, ask) for ask in self.lead_asks(asks)) + "。")
            lines = [lead] + [line[2:] for line, ask in ((dso_line, "dso"), (lines[5], "aging")) if ask in asks]
        lines += [warning] if warning else []
        return "\n".join(lines)
