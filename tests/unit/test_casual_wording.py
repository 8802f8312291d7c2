"""Casual wording before search: the asking clauses of a long message, run-ons, typos, hyphenated English."""

from __future__ import annotations

from knowledge.lexicon import english_glossary, search_synonyms, words
from knowledge.normalize import glossary_terms
from knowledge.questions import clauses, content_terms, core_questions
from knowledge.typos import TypoCorrector

STORY = "我们是开连锁面包店的 供货的面粉厂换了老板 最近发票一直对不上 这种情况保险管不管"


def test_a_story_before_a_question_gives_the_question_with_its_nearest_clause() -> None:
    assert clauses(STORY) == ["我们是开连锁面包店的", "供货的面粉厂换了老板", "最近发票一直对不上", "这种情况保险管不管"]
    assert core_questions(STORY) == ["最近发票一直对不上这种情况保险管不管"]


def test_a_short_message_is_its_own_core() -> None:
    assert core_questions("保单到期前要做什么") == []
    assert core_questions("代理商拖款 怎么办") == []  # two clauses: nothing to cut away


def test_a_message_without_a_question_gives_no_core() -> None:
    assert core_questions("我们是做玩具的 客户在南美 今年订单多了不少") == []


def test_a_long_run_on_question_is_also_searched_by_its_last_words() -> None:
    run_on = "去年我们开始给一家连锁超市供应冷冻水饺量很大结算周期也长我们现在担心对方资金紧张这种风险应该怎么提前发现"
    assert clauses(run_on) == [run_on]
    (tail,) = core_questions(run_on)
    assert run_on.endswith(tail) and 20 <= len(tail) < len(run_on) // 2 + 10


def test_english_messages_are_cut_into_sentences_and_the_question_kept() -> None:
    text = "We sell garden furniture to retailers. One of them stopped answering emails. Are we protected?"
    assert core_questions(text) == ["One of them stopped answering emails. Are we protected?"]


def test_glossary_phrases_match_across_hyphens_and_plurals() -> None:
    assert "现金流" in glossary_terms("tight (cash-flow)")
    assert "破产" in glossary_terms("three buyers: bankrupt")
    assert glossary_terms("xbankrupt") == []  # whole words only


def test_homophone_typos_leave_everyday_words_and_fix_rare_ones() -> None:
    corrector = TypoCorrector(["出口企业应关注买方的资信状况与偿债能力。"])
    assert corrector.correct("买方的资心怎么查") == "买方的资信怎么查"  # 资心 sounds like 资信
    assert corrector.correct("偿宅能力弱的客户") == "偿债能力弱的客户"  # 偿宅 sounds like 偿债
    assert corrector.correct("今天心情很好") == "今天心情很好"


def test_a_window_no_corpus_word_is_one_character_from_is_never_sounded_out() -> None:
    from knowledge.typos import _sound

    corrector = TypoCorrector(["出口企业应关注买方的资信状况与偿债能力。"])
    before = _sound.cache_info().misses
    assert corrector.correct("周末天气晴朗适合爬山") == "周末天气晴朗适合爬山"
    assert _sound.cache_info().misses == before
    assert corrector.correct("买方的资心怎么查") == "买方的资信怎么查"


def test_building_a_corrector_sounds_out_no_corpus_word() -> None:
    from knowledge.typos import _sound

    before = _sound.cache_info().misses
    corrector = TypoCorrector(["保函开立需核对受益人名称，押汇期限另行约定。"])
    assert _sound.cache_info().misses == before  # no pinyin until a question needs it
    assert corrector.correct("押会期限多长") == "押汇期限多长"  # 押会 sounds like 押汇
    assert _sound.cache_info().misses > before


def test_of_the_words_one_character_off_only_the_one_that_sounds_alike_replaces() -> None:
    corrector = TypoCorrector(["赔付比例与赔偿上限见条款，赔率另计。"])
    assert corrector.correct("陪付比例是多少") == "赔付比例是多少"  # 赔付, not 赔偿 or 赔率
    assert corrector.correct("陪审团怎么选") == "陪审团怎么选"  # no corpus word sounds like it


def test_lexicon_lists_load_from_the_data_file() -> None:
    assert all(k == k.lower() for k in english_glossary())
    assert all(isinstance(v, tuple) and v for v in search_synonyms().values())
    assert "怎么" in words("question_words")
    assert words("no such section") == ()


def test_an_a_not_a_pair_is_no_subject_word() -> None:
    # "能不能 / 有没有" ask; their pairs "不能", "没有" say nothing about what the question is about
    words = content_terms("银行能不能先垫付 有没有额度限制")
    assert not {"能不", "不能", "没有", "有没"} & set(words)
    assert {"垫付", "额度"} <= set(words)
