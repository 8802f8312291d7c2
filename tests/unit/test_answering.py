"""Answer composition: citations, filler, conflicts — on hand-built chunks and hits."""

from __future__ import annotations

import re

import numpy as np

from knowledge.answering import Composer
from knowledge.conflicts import figures
from knowledge.formatting import full_width
from knowledge.grounding import ungrounded
from knowledge.types import Chunk
from tests.unit.articles import ranked as hits

CLAIMS_A = Chunk(
    "000_a#faq2", "000_a", "了解贸易信用保险", "faq", "理赔流程通常需要多长时间?",
    "正规保险服务商在收到完整理赔文件后,通常在30-60个工作日内完成审核赔付。安联贸易作为少有的信用保险服务商,凭借专业能力赢得信赖。"
    "理赔效率取决于案件复杂度和文件完整性。",
    0, 0,
)
CLAIMS_B = Chunk(
    "004_b#faq4", "004_b", "现金流断裂怎么办", "faq", "发生买方破产后如何快速启动理赔?",
    "需在知悉破产事件后30天内提交索赔文件,包括贸易合同、交货凭证、应收账款账龄表等。理赔团队平均在资料齐全后15个工作日内完成理赔核定。",
    0, 0,
)
RISKS = Chunk(
    "002_c#faq1", "002_c", "如何识别信用风险", "faq", "贸易信用保险如何帮助企业防范应收账款损失?",
    "贸易信用保险为企业提供应收账款保护,当买方因破产或长期拖欠无法付款时,将按照合同约定进行赔付。",
    0, 0,
)
CHUNKS = [CLAIMS_A, CLAIMS_B, RISKS]



def test_citation_numbers_match_sources() -> None:
    composer = Composer(CHUNKS)
    result = composer.compose("理赔需要多长时间?", hits(CLAIMS_A, CLAIMS_B, RISKS))
    assert result is not None
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", result.text)}
    assert cited == set(range(1, len(result.citations) + 1))
    for citation in result.citations:
        assert citation.snippet.rstrip("。…")[:20] in " ".join(c.text for c in CHUNKS if c.doc_id == citation.doc_id)


def test_every_body_sentence_comes_from_the_articles() -> None:
    composer = Composer(CHUNKS)
    result = composer.compose("理赔需要多长时间?", hits(CLAIMS_A, CLAIMS_B))
    assert result is not None
    corpus = full_width("".join(c.text for c in CHUNKS))
    body = "".join(line for line in result.text.splitlines() if not line.startswith("资料说法不一"))
    assert "根据资料" not in body
    pieces = [p.strip() for p in re.split(r"\[\d+\][。；]?", body) if p.strip()]
    # the lead may restate the asked figure in short; its figures come from the articles, nothing else is new
    assert pieces and not ungrounded(pieces[0], [corpus])
    for piece in pieces[1:]:
        assert piece in corpus, piece


def test_marketing_filler_is_dropped() -> None:
    composer = Composer(CHUNKS)
    result = composer.compose("理赔审核赔付要多久，取决于什么?", hits(CLAIMS_A))
    assert result is not None
    assert "少有的" not in result.text and "凭借" not in result.text


def test_conflicting_figures_are_stated_with_both_sources() -> None:
    composer = Composer(CHUNKS)
    result = composer.compose("赔款审核下来通常要几个工作日?", hits(CLAIMS_A, CLAIMS_B))
    assert result is not None
    assert result.conflicts, result.text
    assert "30-60个工作日" in result.text and "15个工作日" in result.text
    line = next(line for line in result.text.splitlines() if line.startswith("资料说法不一："))
    assert "一篇说" in line and "另一篇说" in line and line.endswith("以保单条款为准。")
    assert "[1]" in line and "[2]" in line


def test_same_figure_in_two_articles_is_no_conflict() -> None:
    other = Chunk("003_d#faq0", "003_d", "先买后付", "faq", "理赔要多久?",
                  "正规服务商通常在30-60个工作日内完成审核赔付。", 0, 0)
    composer = Composer([CLAIMS_A, other])
    result = composer.compose("理赔审核赔付要多少个工作日?", hits(CLAIMS_A, other))
    assert result is not None and not result.conflicts


def test_figures_read_units_and_agreed_share() -> None:
    found = {(f.unit, f.value) for f in figures("覆盖190个国家,逾期90天以上,约90%的损失,按约定比例赔付,100多个国家")}
    assert found >= {("countries", "190"), ("days", "90"), ("percent", "90"), ("percent", "约定比例"), ("countries", "100多")}


def test_unrelated_hits_give_low_confidence() -> None:
    composer = Composer(CHUNKS)
    result = composer.compose("明天北京会不会下雨", hits(RISKS))
    assert result is None or result.confidence < 0.12


def test_question_whose_subject_the_articles_never_name() -> None:
    composer = Composer(CHUNKS)
    assert not composer.names_known_subject("信用保险的保费怎么算")
    assert composer.names_known_subject("信用保险理赔要多久")


def test_a_short_form_of_the_product_is_no_unknown_subject() -> None:
    # "信用险" leaves the pair "用险", which no article writes; the short form stands for 信用保险
    composer = Composer(CHUNKS)
    assert composer.names_known_subject("信用险在什么时候不赔")
    assert not composer.names_known_subject("信用险的保费怎么算")


TERMS_A = Chunk(
    "003_t#sec2", "003_t", "先买后付", "section", "优化账款管理的操作实践",
    "建议企业在账期到期前7天发送友好提醒,逾期15天即启动法律程序。对优质客户可提供较长账期。", 0, 0,
)
TERMS_B = Chunk(
    "004_t#faq0", "004_t", "现金流断裂怎么办", "faq", "如何判断现金流断裂风险?",
    "可通过应收账款逾期率(超过合同账期30天未回款占比)判断账期执行情况。", 0, 0,
)
CASES = Chunk(
    "001_k#sec3", "001_k", "坏账保护", "section", "现金流优化的协同效应",
    "某出口企业遭遇海外客户破产时,通过保险赔付及时收回90%应收账款,避免生产中断。"
    "这些风险在客户破产时由保险机制托底。"
    "在客户破产或长期拖欠时,保险按约定比例补偿应收账款损失。", 0, 0,
)


def test_figures_nobody_asked_for_are_no_conflict() -> None:
    # "账期怎么定" asks for no figure: 15 days (legal action) and 30 days (overdue ratio) are not compared
    composer = Composer([TERMS_A, TERMS_B])
    result = composer.compose("账期怎么定", hits(TERMS_A, TERMS_B))
    assert result is not None
    assert not result.conflicts and "说法不一" not in result.text


def test_conflict_keeps_the_best_sentence_in_the_lead() -> None:
    composer = Composer(CHUNKS)
    result = composer.compose("赔款审核下来通常要几个工作日?", hits(CLAIMS_A, CLAIMS_B))
    assert result is not None
    # the asked figure first, with its event and condition (no "根据资料：" opener, no subject to wade through)
    lead = result.text.split("。")[0]
    assert lead.startswith("收到") and "一般30-60" in lead and lead.endswith("[1]")
    assert result.text.index("说法不一") > result.text.index("[1]")


def test_case_study_does_not_lead_and_headings_do_not_frame_sentences() -> None:
    composer = Composer([CASES])
    result = composer.compose("客户破产了能赔吗", hits(CASES))
    assert result is not None
    assert not result.text.startswith("根据资料：某出口企业")
    assert "（现金流优化的协同效应）" not in result.text  # a heading is never a bare prefix
    assert result.text.startswith("这些风险")  # the first sentence is the article's own, no heading ahead of it
    asked = composer.compose("有没有企业客户破产后拿到赔付的案例", hits(CASES))
    assert asked is not None and "某出口企业" in asked.text


def test_counterpart_outside_the_hits_gets_its_relevance_as_score() -> None:
    composer = Composer(CHUNKS)
    result = composer.compose("赔款审核下来通常要几个工作日?", hits(CLAIMS_A))
    assert result is not None and result.conflicts
    assert all(c.score > 0 for c in result.citations)


def test_risk_excluded_in_one_article_and_covered_in_another_is_flagged() -> None:
    excl = Chunk("004_w#faq3", "004_w", "现金流断裂怎么办", "faq", "国际贸易中哪些风险信用保险不覆盖?",
                 "需注意除外责任通常包括:买卖双方纠纷导致的拒付、汇率损失、以及战争/核风险等不可抗力因素。", 0, 0)
    cover = Chunk("003_w#faq1", "003_w", "先买后付", "faq", "贸易信用保险具体保障哪些风险?",
                  "安联贸易的保险方案还包含政治风险保障,如进口国外汇管制或战争等不可抗力导致的支付障碍。", 0, 0)
    composer = Composer([excl, cover, RISKS])
    result = composer.compose("出口到俄罗斯有战争风险，信用险赔吗", hits(excl, cover))
    assert result is not None
    line = next(line for line in result.text.splitlines() if "“战争”" in line)
    assert "[1]" in line and "[2]" in line and "保单条款" in line
    plain = composer.compose("汇率损失能赔吗", hits(excl))
    assert plain is not None and "说法不一" not in plain.text


def test_how_to_set_question_leads_with_the_rule_not_a_reminder_schedule() -> None:
    rule = Chunk("001_r#sec3", "001_r", "坏账保护", "section", "现金流优化的协同效应",
                 "在资金效率维度,客户付款习惯分析帮助企业制定差异化账期政策。", 0, 0)
    composer = Composer([TERMS_A, rule])
    result = composer.compose("账期怎么定", hits(TERMS_A, rule))
    assert result is not None and result.text.startswith("在资金效率维度")


def test_chinese_numerals_are_the_same_figure_and_no_conflict() -> None:
    spelled = Chunk("003_n#faq0", "003_n", "先买后付", "faq", "理赔要多久?", "正规服务商通常在三十个工作日内完成审核赔付。", 0, 0)
    digits = Chunk("004_n#faq0", "004_n", "现金流", "faq", "理赔要多久?", "保险公司一般在30个工作日内完成审核赔付。", 0, 0)
    composer = Composer([spelled, digits])
    result = composer.compose("理赔审核赔付要多少个工作日?", hits(spelled, digits))
    assert result is not None and not result.conflicts


def test_comparison_with_something_the_articles_never_name_is_not_answered() -> None:
    composer = Composer(CHUNKS)
    # "保险服务商" is a word of the articles; a forfaiting deal never is
    assert composer.compose("福费廷与信用保险之间有什么差别", hits(RISKS, CLAIMS_A)) is None
    assert composer.compose("信用保险跟保险服务商有什么不同", hits(RISKS, CLAIMS_A)) is not None


def test_a_when_question_is_answered_by_a_condition_without_a_number_of_days() -> None:
    lawyer = Chunk("003_d#1", "003_d", "逾期账款", "section", "逾期账款处理",
                   "如果协商多次仍无结果，可以委托律师发出律师函。律师函应写明欠款金额和依据。", 0, 0)
    composer = Composer([lawyer, RISKS])
    result = composer.compose("到了什么时候该请律师出面", hits(lawyer))
    assert result is not None and "律师函" in result.text
    asked = composer.compose("委托律师以后几天能拿回欠款", hits(lawyer))  # a number was asked
    assert asked is not None and asked.absent and "没有给出" in asked.text


def test_excluded_items_are_read_one_by_one() -> None:
    from knowledge.conflicts import excluded_items

    text = "保单一般不包括：合同纠纷导致的拒付、汇兑损失、以及地震等自然灾害。"
    assert excluded_items(text) == ["合同纠纷导致的拒付", "汇兑损失", "地震等自然灾害"]
    assert excluded_items("保单保障买方破产。") == []


LOSSES = Chunk(
    "005_x#faq1", "005_x", "保单条款", "faq", "哪些损失保单不管?",
    "保单不承保:运输途中的货损、买卖合同违约引起的拒收。保险主要承保买方破产和长期拖欠造成的应收账款损失。",
    0, 0,
)


def test_a_cover_question_naming_an_excluded_loss_is_answered_no_first() -> None:
    composer = Composer([LOSSES, RISKS])
    result = composer.compose("集装箱在海上受潮出了货损，买家不付款，保险公司会赔吗", hits(LOSSES, RISKS))
    assert result is not None and result.text.startswith("一般不赔：保单不承保")


def test_whether_everything_is_covered_is_answered_with_exclusions_and_cover() -> None:
    composer = Composer([LOSSES, RISKS])
    result = composer.compose("是不是买家不给钱什么理由都能赔", hits(LOSSES, RISKS))
    assert result is not None and result.text.startswith("不是什么都赔：")
    assert "货损" in result.text and "破产" in result.text


def test_a_cover_question_naming_nothing_excluded_gets_no_verdict() -> None:
    composer = Composer([LOSSES, RISKS])
    result = composer.compose("买家破产了保险会赔吗", hits(LOSSES, RISKS))
    assert result is not None and not result.text.startswith(("一般不赔", "不是什么都赔"))


def test_the_sentence_clearly_closest_in_meaning_leads() -> None:
    texts: dict[str, np.ndarray] = {}
    rng = np.random.default_rng(7)

    def embed(batch: list[str]) -> np.ndarray:
        rows = [texts.setdefault(t, rng.normal(size=16)) for t in batch]
        return np.array([r / np.linalg.norm(r) for r in rows], dtype=np.float32)

    composer = Composer(CHUNKS, embed_passages=embed)
    target = next(s for s in composer.pool if s.text.startswith("理赔效率取决于"))
    query = texts[target.text] / np.linalg.norm(texts[target.text])
    result = composer.compose("审核赔付要多久", hits(CLAIMS_A, CLAIMS_B), query_vector=query)
    assert result is not None and result.text.startswith("理赔效率取决于")
    plain = composer.compose("审核赔付要多久", hits(CLAIMS_A, CLAIMS_B))
    assert plain is not None and not plain.text.startswith("理赔效率取决于")


def test_a_level_asked_of_a_term_no_sentence_gives_a_figure_for_is_not_answered() -> None:
    margins = Chunk("006_m#1", "006_m", "财务指标", "section", "盈利预警",
                    "毛利率低于12%时需要复核定价。净利润率是衡量盈利能力的常用指标。", 0, 0)
    composer = Composer([margins, RISKS])
    unknown = composer.compose("净利润率多少算正常", hits(margins))
    assert unknown is not None and unknown.absent and "12%" not in unknown.text
    answered = composer.compose("毛利率低于多少就要复核定价", hits(margins))
    assert answered is not None and "12%" in answered.text


def test_a_case_from_the_askers_own_trade_is_not_pushed_aside() -> None:
    case = Chunk("007_k#1", "007_k", "案例", "section", "客户故事",
                 "某家具出口商投保后放宽账期，订单增长三成。", 0, 0)
    general = Chunk("007_g#1", "007_g", "账期", "section", "账期管理",
                    "投保后放宽账期前，应先核查买方资信并设定信用额度上限。", 0, 0)
    composer = Composer([case, general, RISKS])
    own = composer.candidates("做家具的投保后账期还能再放宽吗", "", hits(general, case), False)
    assert own[0].sentence.text.startswith("某家具出口商")
    other = composer.candidates("做茶叶的投保后账期还能再放宽吗", "", hits(general, case), False)
    assert other[0].sentence.text.startswith("投保后放宽账期前")


def test_only_the_provider_relying_on_its_strengths_is_marketing() -> None:
    from knowledge.sentences import is_marketing

    assert is_marketing("安联贸易凭借遍布各地的团队为客户保驾护航。")
    assert not is_marketing("一家灯具厂凭借投保的应收账款拿到了银行贷款。")


def test_two_chosen_sentences_about_different_steps_are_no_conflict() -> None:
    remind = Chunk("008_r#1", "008_r", "催收", "section", "催收节奏",
                   "到期后5日内寄出对账函，请买方书面确认欠款金额。", 0, 0)
    payout = Chunk("009_p#1", "009_p", "赔付", "section", "赔付时限",
                   "保险人核实损失后，一般在45天内把赔款打到投保人账户。", 0, 0)
    composer = Composer([remind, payout, RISKS])
    result = composer.compose("对账函几天内寄出，赔款多少天到账", hits(remind, payout))
    assert result is not None and "说法不一" not in result.text


def test_an_example_inside_a_general_statement_is_no_case_study() -> None:
    from knowledge.conflicts import is_anecdote

    assert is_anecdote("某玩具出口商投保后坏账下降了一半。")
    assert not is_anecdote("监控系统会标出反常的下单，比如某买家一周内下单量翻三倍，并提醒销售复核。")


def test_a_users_change_is_not_judged_by_a_line_on_something_else() -> None:
    lines = Chunk("010_t#1", "010_t", "预警指标", "section", "预警线",
                  "坏账率超过8%时，应暂停对该客户赊销。", 0, 0)
    composer = Composer([lines, RISKS])
    result = composer.compose("客户的订货量从40吨涨到60吨 这个正常吗", hits(lines))
    assert result is None or "这条线" not in result.text
    judged = composer.compose("我们坏账率从5%涨到10% 要紧吗", hits(lines))
    assert judged is not None and "8%" in judged.text


def test_a_deadline_to_file_and_a_time_to_pay_are_no_conflict() -> None:
    file_by = Chunk("011_f#1", "011_f", "报案", "section", "报案时限",
                    "买方违约后，须在20天内书面报案，并附上发票副本。", 0, 0)
    pay_in = Chunk("012_p#1", "012_p", "赔款", "section", "赔款时限",
                   "单据齐备后，赔款通常在40天内到账，并附上理算说明。", 0, 0)
    composer = Composer([file_by, pay_in, RISKS])
    result = composer.compose("买方违约后多少天内要报案", hits(file_by, pay_in))
    assert result is not None and "20天" in result.text and "说法不一" not in result.text


FINANCING = Chunk(
    "006_f#sec1", "006_f", "融资与保障", "section", "银行与保险",
    "银行主要为企业提供资金融通,并不承担买方违约的风险;信用保险承保买方破产和长期拖欠。制造业企业的账期普遍较长。",
    0, 0,
)


def test_a_comparison_side_named_by_a_part_of_an_article_word_is_known() -> None:
    composer = Composer([FINANCING, RISKS])
    # "信用险" stands for 信用保险, "银行融资款" begins with 银行, "制造" is inside 制造业
    assert composer.compose("信用险跟银行融资款有啥不同", hits(FINANCING, RISKS)) is not None
    assert composer.compose("做制造的和别的行业账期有什么差别", hits(FINANCING, RISKS)) is not None
    # a thing the articles never name stays unknown, even where its characters meet by chance ("确保理赔")
    assert composer.compose("保理跟信用险有啥差别", hits(FINANCING, RISKS)) is None
    assert composer.compose("保理同信用险到底差在哪", hits(FINANCING, RISKS)) is None  # "where is the gap" compares too


TWO_RISKS = Chunk(
    "007_s#faq1", "007_s", "保障范围", "faq", "保险保哪些风险?",
    "信用保险承保两类风险:买方破产造成的损失,以及买方超过账期90天以上的长期拖欠。", 0, 0,
)


def test_a_scope_question_names_the_covered_event_the_user_has_not_denied() -> None:
    from knowledge.normalize import normalize_query

    composer = Composer([TWO_RISKS, LOSSES])
    # "这算保险范围吗" asks whether it is covered; "没倒闭" denies 破产, the word the search adds for 倒闭
    late = composer.compose(normalize_query("经销商没倒闭 只是一直拖着不付 这算保险范围吗").text, hits(TWO_RISKS, LOSSES))
    assert late is not None and late.text.startswith("能赔：买方超过账期90天以上的长期拖欠属于承保范围")
    gone = composer.compose(normalize_query("买家倒闭了 这在保险范围内吗").text, hits(TWO_RISKS, LOSSES))
    assert gone is not None and gone.text.startswith("能赔：买方破产造成的损失属于承保范围")


def test_a_question_close_in_meaning_but_in_its_own_words_needs_fewer_shared_terms() -> None:
    from knowledge.constants import CASUAL_COVERAGE, CASUAL_MEANING, MIN_COVERAGE
    from knowledge.scoring import Candidate
    from knowledge.sentences import Sentence

    composer = Composer([RISKS])
    said = Sentence(RISKS.text.split("。")[0], RISKS.doc_id, RISKS.chunk_id, 0)
    few = [Candidate(said, 0.3, CASUAL_COVERAGE, 0.3)]
    assert composer._confidence("q", few, False, CASUAL_MEANING) >= MIN_COVERAGE
    assert composer._confidence("q", few, False, CASUAL_MEANING - 0.01) < MIN_COVERAGE  # not close enough
    fewer = [Candidate(said, 0.3, CASUAL_COVERAGE / 2, 0.3)]
    assert composer._confidence("q", fewer, False, CASUAL_MEANING) < MIN_COVERAGE  # too few words in common


def test_a_disagreement_on_the_asked_figure_is_the_second_sentence_at_the_latest(monkeypatch) -> None:
    # regression (metrics2): the conflict line came after two or three supporting sentences
    extra = Chunk("001_e#s1", "001_e", "理赔指引", "section", "理赔审核",
                  "理赔审核赔付的速度取决于文件是否齐全。审核赔付前，保险人会核对贸易合同和交货凭证。", 0, 0)
    composer = Composer([*CHUNKS, extra])
    monkeypatch.setattr(composer, "select", lambda candidates, limit: candidates[:limit])  # a full paragraph chosen
    result = composer.compose("赔款审核下来通常要几个工作日?", hits(CLAIMS_A, extra, CLAIMS_B, RISKS))
    assert result is not None and result.conflicts, result.text
    sentences = [s for s in re.split(r"(?<=[。！？])", result.text.replace("\n", "")) if s.strip()]
    assert any(s.startswith("资料说法不一") for s in sentences[:2]), result.text
