"""knowledge.terms: domain words stay whole, stopwords go, traditional script is folded."""

from __future__ import annotations

from knowledge.terms import query_terms, to_simplified, tokenize, without_a_not_a


def test_tokenize_keeps_domain_words_whole() -> None:
    terms = tokenize("出口企业的应收账款被拖欠，信用保险的除外责任和超额损失限额怎么规定？")
    for word in ("应收账款", "拖欠", "信用保险", "除外责任", "超额损失限额"):
        assert word in terms, word


def test_tokenize_drops_stopwords_and_punctuation() -> None:
    terms = tokenize("我们的DSO是多少？")
    assert "dso" in terms
    assert "的" not in terms and "？" not in terms and "我们" not in terms


def test_to_simplified_folds_traditional_and_account_variant() -> None:
    assert to_simplified("壞帳保護跟傳統催收有什麼不一樣？") == "坏账保护跟传统催收有什么不一样？"
    assert to_simplified("DSO formula") == "DSO formula"


def test_an_a_not_a_question_says_no_negation() -> None:
    # "赔不赔" asks whether the policy pays; only a plain "不赔" brings in exclusion wording
    assert query_terms("台风把仓库淹了保险赔不赔")[1] == []
    assert "除外责任" in query_terms("台风把仓库淹了保险不赔吧")[1]
    assert without_a_not_a("这个保不保，能不能赔") == "这个保，能赔"


def test_a_with_mei_question_asks_whether_a_too() -> None:
    assert without_a_not_a("账单寄没寄到") == "账单寄到"


def test_one_word_table_in_process():
    """The search terms and the buyer-name checks segment with one jieba dictionary (~70 MB, not twice)."""
    import jieba

    from knowledge.terms import DOMAIN_WORDS, _tokenizer

    assert _tokenizer() is jieba.dt
    assert all(jieba.dt.FREQ.get(word) for word in DOMAIN_WORDS)
