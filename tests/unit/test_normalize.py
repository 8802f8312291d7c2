"""Query normalisation: scripts, Traditional -> Simplified, the English glossary, synonyms."""

from __future__ import annotations

from knowledge.normalize import detect_script, glossary_terms, in_article_words, normalize_query, to_simplified, to_user_script


def test_traditional_question_is_converted_to_simplified() -> None:
    nq = normalize_query("壞帳保護跟傳統催收有什麼不一樣？")
    assert nq.script == "hant"
    assert nq.text.startswith("坏账保护跟传统催收有什么不一样?")


def test_traditional_account_character_becomes_mainland_form() -> None:
    assert to_simplified("應收帳款") == "应收账款"


def test_simplified_question_is_left_alone() -> None:
    nq = normalize_query("理赔一般需要多长时间？")
    assert nq.script == "hans"
    assert nq.text.startswith("理赔一般需要多长时间?")  # NFKC turns the full-width mark into ASCII


def test_english_question_gets_chinese_glossary_terms() -> None:
    nq = normalize_query("How long does a trade credit insurance claim take?")
    assert nq.script == "en"
    assert "贸易信用保险" in nq.text and "理赔" in nq.text
    assert nq.text.startswith("How long")  # the original words stay for the multilingual embedding


def test_glossary_prefers_longest_phrase() -> None:
    terms = glossary_terms("what is not covered by credit insurance")
    assert "除外责任" in terms and "信用保险" in terms


def test_detect_script_on_mixed_text() -> None:
    assert detect_script("DSO是什么") == "hans"
    assert detect_script("what is DSO") == "en"
    assert detect_script("？？？") == "hans"


def test_answer_is_given_back_in_traditional_for_traditional_questions() -> None:
    assert to_user_script("坏账保护的区别在于事前预防", "hant") == "壞賬保護的區別在於事前預防"
    assert to_user_script("坏账保护", "hans") == "坏账保护"


def test_colloquial_words_gain_article_wording() -> None:
    assert "文件" in normalize_query("理赔要准备什么材料").text


def test_colloquial_names_of_a_bad_debt_gain_the_articles_word() -> None:
    assert "坏账" in normalize_query("仓库里压着一批货 账上还挂着几笔烂账 怎么处理").text
    assert "坏账" in normalize_query("这笔钱估计成死账了").text


def test_english_premium_question_reaches_the_uncovered_aspect_check() -> None:
    from knowledge.scope import uncovered_aspect

    nq = normalize_query("How much is the premium for trade credit insurance?")
    assert "保费" in nq.text and uncovered_aspect(nq.text, "贸易信用保险承保买方破产。") is not None


def test_plain_non_payment_is_not_read_as_a_refusal_over_a_dispute() -> None:
    # 拒付 names an excluded refusal; a buyer who simply has not paid is late (拖欠), a covered risk
    text = normalize_query("我们的经销商三个月了还是不付尾款").text
    assert "拖欠" in text and "拒付" not in text


def test_colloquial_words_are_put_in_article_words() -> None:
    assert in_article_words("信用险的免赔额怎么约定").split() == ["信用保险", "的免赔额怎么约定"]


def test_english_questions_about_the_policy_meet_article_words() -> None:
    assert glossary_terms("Our trade credit policy: can it pay out to us?")[:2] == ["贸易信用保险", "赔付"]
    assert glossary_terms("Two indicators an exporter watches") == ["指标", "出口企业"]
    assert glossary_terms("How strict is your credit policy?") == ["信用政策"]


def test_colloquial_loss_words_meet_article_words() -> None:
    assert "理赔" in normalize_query("仓库着火出险了 接下来找谁").text


def test_reporting_a_loss_to_the_insurer_is_a_claim_not_accounting() -> None:
    from knowledge.scope import uncovered_aspect
    from knowledge.terms import query_terms

    assert "索赔" in query_terms("货款收不回来了 找保险报损要交哪些东西")[1]
    assert uncovered_aspect("货款收不回来了 找保险报损要交哪些东西", "保险理赔需要提交贸易合同。") is None
    assert uncovered_aspect("报损以后会计上怎么做账", "保险理赔需要提交贸易合同。") is not None


def test_a_glossary_phrase_matches_without_its_apostrophe() -> None:
    assert "拖欠" in glossary_terms("the distributor hasnt paid since spring")


def test_glossary_heads_give_one_term_per_phrase() -> None:
    from knowledge.normalize import glossary_heads

    assert glossary_heads("an insolvent distributor") == ["破产"]


def test_a_long_glossary_word_typed_with_a_letter_left_out_still_matches() -> None:
    assert "破产" in glossary_terms("the retailer filed for bankrupcy last week")
    assert glossary_terms("can we insure it") == []  # a real word is not turned into a near glossary word ("insurer")
