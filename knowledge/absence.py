"""Whether the articles give the quantity a question asks for, and what to say when they do not.

A question asking for a quantity names its *kind* by its asking words (lexicon.yaml ``quantity_kinds``:
a duration, a share, a sum of money, a count, the level of a metric, or just a figure) and its *subject*:
the words ahead of the asking words in their clause, fillers trimmed ("保费费率一般是多少" -> 保费费率).
The quantity is present when a close candidate sentence states a figure of that kind in a clause about
the subject: the clause (with its neighbours) covers a fair share (:data:`ABOUT_SUBJECT`) of the subject's
words compared with the best any close sentence covers. A level ("速动比率的正常水平") must name the
metric itself. Otherwise the fact is absent: the reply says which quantity the articles do not give and
quotes the one close sentence that says most about the subject without a figure of that kind. Two
narrower readings go first: a quantity of a thing the articles never name (the subject's head noun,
:mod:`knowledge.heads`) is absent outright, and a figure the question quotes from the articles as the premise
of another question ("库龄超180天算滞销，那临期品放多久算滞销") is read as a quote, not as the user's data
(:mod:`knowledge.premises`). These are the checks of an absent asked figure; they work on the shape of the
question and the articles, never on a list of topics.
"""

from __future__ import annotations

import mmap
import re
from functools import cache, lru_cache
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from knowledge.conflicts import figures
from knowledge.constants import ABOUT_SUBJECT
from knowledge.english_asked import asked_in_chinese
from knowledge.formatting import Citations, full_width
from knowledge.grounding import numbers
from knowledge.heads import unknown_head
from knowledge.lexicon import lexicon
from knowledge.numerals import arabic_figures
from knowledge.premises import Premise, quoted_premise, states_beyond
from knowledge.questions import Question, asks, clauses, content_terms, level_asked, understand
from knowledge.scoring import Candidate
from knowledge.sentences import Sentence
from knowledge.terms import STOPWORDS, query_terms, segment, to_simplified

PROBE = 6  # the best candidates searched for a figure of the asked kind
NEAR_SHARE = 0.4  # ...of those, the ones scoring at least this share of the best (set on tune_absent and dev)
# How the reply names the missing quantity of each kind.
_LABELS = {"duration": "具体时间", "percent": "具体比例", "amount": "具体金额", "count": "具体数量",
           "level": "具体标准", "figure": "具体数字"}
_FIGURE_UNITS = {"duration": {"days", "months"}, "percent": {"percent"}}
_YEARS = re.compile(r"(?<!\d)\d{1,2}\s*年(?!度|代)")  # "3年" is a duration, "2025年" a date
_SHARE = re.compile(r"[一二三四五六七八九]成")  # "九成" is a share
# a rate of a sum ("发票金额的0.5%", "费率为1%"), not a share of something else ("交易额前20%的客户")
_RATE_OF_SUM = re.compile(r"(?:金额|额|款|价|费率?)(?:的|为|是)?\s*\d+(?:\.\d+)?\s*%")
_MONEY = re.compile(r"\d+(?:\.\d+)?\s*(?:[千万亿]\s*)?(?:元|块|美元|欧元|人民币)|\d+(?:\.\d+)?\s*[万亿](?![\u4e00-\u9fff])")
_CLAUSE_SPLIT = re.compile(r"([，,；;：:。、()（）])")
_CONDITION = re.compile(r"^(?:若|如果|如|一旦|当|凡|只要)|的$")  # grammar: a clause setting a condition
_CONSEQUENCE = re.compile(r"(?:则|就|即|便|才|视为|需|须|应)")  # ...and one drawing its consequence
_CLAUSE_START = re.compile(r"[，,。；;！!？?\s]")
_ASKS_WHICH_OR_WHETHER = re.compile(r"吗|哪些|哪几|哪个|是否")  # grammar, not vocabulary: a clause asking its own question
# grammar: a clause asking whether a consequence holds ("是不是", "会不会", "有没有"; not "能…吗", asking whether
# an action of the user's own is allowed), and one asking what, which or how
_ASKS_WHETHER = re.compile(r"是不是|会不会|有没有|是否")
_ASKS_OPEN = re.compile(r"怎么|怎样|如何|什么|啥|哪|为何|为什么")
# "多少员工", "多少个买家": a count of the noun after 多少 (and a measure word); "几" is left out ("几个客户" means a few)
_COUNTED = re.compile(r"多少(?P<measure>[个名位家种类张条笔])?")
_MEASURES = "个名位家种类张条笔"
# jieba part-of-speech flags of a noun: nouns, verbal nouns, abbreviations; "x" is a word of the domain dictionary
_NOUN_FLAGS = ("n", "vn", "j", "x")
_POS_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._]+)")  # the blocks jieba.posseg cuts into words
_LATIN_CHAR = re.compile(r"^[a-zA-Z0-9]$")


@dataclass(frozen=True)
class AskedQuantity:
    """The quantity a question asks for.

    Attributes:
        kind: ``duration``, ``percent``, ``amount``, ``count``, ``level`` or ``figure``.
        word: the asking words found ("多少天", "多少家").
        subject: what the quantity is of, in the user's words ("" when the clause names nothing).
        limit: ``上限`` or ``下限`` when the question bounds it ("最高", "至少"), else "".
    """

    kind: str
    word: str
    subject: str
    limit: str = ""

    @property
    def label(self) -> str:
        """How the reply names the missing quantity ("具体比例", "上限", "员工的具体数量")."""
        counted = _counted_of(self.word) if self.kind == "count" else ""
        return self.limit or (f"{counted}的具体数量" if len(counted) > 1 else _LABELS[self.kind])


@dataclass(frozen=True)
class Absence:
    """An asked quantity the articles do not give, and the closest thing they say about its subject."""

    asked: AskedQuantity
    said: Candidate | None


def asked_quantity(question: Question) -> AskedQuantity | None:
    """The quantity ``question`` asks for, or None (no asking word; the user's own figures or dates make it a
    calculation; an English question, whose words are not the articles' words)."""
    if question.figures or question.dates or question.english:
        return None
    text = question.text
    found = [(len(w), kind, w, at) for kind, ws in _kinds().items() for w in ws
             if (at := text.find(w)) >= 0 and (kind != "figure" or _ends_clause(text, at + len(w)))]
    if "threshold" in question.kinds and not found:
        # "跌到几个点就得排查" asks a warning line, not a count of the noun after 多少: the level of what
        # comes before its how-much word ("存货周转率得多少才行"), or nothing to look for
        level = level_asked(text)
        if level is None or not _named_metric(to_simplified(text[: level.start()])):
            return None  # no metric named ahead of it ("那超过多少就要警惕"): the earlier turn's, read elsewhere
        found = [(len(level.group(0)), "level", level.group(0), level.start())]
    if (not found or {f[1] for f in found} == {"figure"}) and (counted := _counted_noun(text)) is not None:
        found = [(len(counted[0]), "count", *counted)]
    if not found:
        return None
    _, kind, word, at = max(found, key=lambda f: (f[0], -f[3]))
    if _asks_more_after(text, at + len(word)):
        return None  # "…拖了多久 这种系统有用吗": the quantity is part of the story, the question comes later
    starts = [0] + [m.end() for m in _CLAUSE_START.finditer(text, 0, at)]
    before = text[starts[-1] : at]
    limit = next((_limits()[w] for w in _limits() if w in before or w in word), "")
    # a clause that only asks ("…怎么计算 标准是几") is about the clause before it, else about what follows
    subject = _trimmed(before) or (_trimmed(text[starts[-2] : starts[-1]]) if len(starts) > 1 else "")
    return AskedQuantity(kind, word, subject or _trimmed(_clause_after(text, at + len(word))), limit)


def absence(
    question: Question,
    candidates: Sequence[Candidate],
    coverage: Callable[[list[str], str], float],
    context: str = "",
    asked_as: Question | None = None,
    close: Collection[Sentence] = (),
    known: Callable[[str], bool] | None = None,
) -> Absence | None:
    """The asked quantity when no close candidate states one of its kind about its subject, else None.

    Args:
        question: the understood question (typos corrected).
        candidates: the scored candidate sentences, best first.
        coverage: the IDF-weighted share of terms a text covers (``TermWeights.coverage``).
        context: the earlier topic of a follow-up (its subject may be named only there).
        asked_as: the question as the user typed it, read for the asking words and the subject (a typo
            corrector tuned to the articles' words may rewrite "几期" or "客户"); ``question`` when None.
        close: the sentences nearly saying what was asked, in meaning (:data:`STRONG_MEANING`).
        known: whether the articles know a word; the subject's head noun unknown to them makes the
            quantity absent (:mod:`knowledge.heads`).
    """
    if question.english:  # its English asking words, read as the Chinese ones would be
        chinese = asked_in_chinese(question.text, known)
        if chinese is None:
            return None
        question = asked_as = understand(chinese)
    asked = asked_quantity(asked_as or question)
    if asked is None and candidates:
        return _absent_after_premise(asked_as or question, candidates, coverage)
    if asked is None or not candidates:
        return None
    # the quantity is of a thing the articles never name (a count is of the noun after its 多少家, not before)
    if known is not None and asked.kind != "count" and unknown_head(asked.subject, known, _pos_flag) is not None:
        return Absence(asked, None)
    # ...or the level of a metric whose name holds a word the articles never use (速动 of 速动比率): the
    # articles' figures are of another metric of the same head (流动比率)
    if known is not None and asked.kind == "level" and _unknown_word(_metric_of(asked.subject), known):
        return Absence(asked, None)
    near = [c for c in candidates[:PROBE] if c.score >= NEAR_SHARE * candidates[0].score]
    states = _stating(asked)
    if asked.kind == "level" and (metric := _long_words(_metric_of(asked.subject))):
        # the named metric with a figure in its sentence (流动比率's level says nothing of 现金比率, nor
        # 存货周转率's of 应付账款周转率)
        present = any(all(w in c.sentence.text for w in metric) and numbers(c.sentence.text) for c in near)
        return None if present else Absence(asked, _closest(near, coverage, content_terms(asked.subject)))
    # a follow-up's subject is in the earlier turn; the asking words' own terms ("比例" of "多少比例") name nothing
    words = [w for w in content_terms(f"{context} {question.text}") if w not in asked.word]
    words = _with_article_words(words, question.text)
    if not words:
        return None if any(states(c.sentence.text) for c in near) else Absence(asked, None)
    best = max(coverage(words, c.sentence.text) for c in candidates[:PROBE])
    if any(_states_about(c.sentence.text, states, words, ABOUT_SUBJECT * best, coverage) for c in near):
        return None
    if best < ABOUT_SUBJECT and any(c.sentence in close and states(c.sentence.text) for c in near):
        # the question is told in its own words (no close sentence has half of them): a sentence of the
        # asked kind that says nearly the same in meaning answers it ("赔款要等多久才能拿到手")
        return None
    return Absence(asked, _closest(near, coverage, words))


def quantity_of_unknown_thing(text: str, known: Callable[[str], bool]) -> str | None:
    """The head noun of a quantity some clause of ``text`` asks when the articles never name that thing
    ("现在银行的经营贷利率大概多少" -> 利率), else None. Each clause is read alone: a story's own figures
    ("开了两家店") make no calculation of a later clause's quantity."""
    for clause in clauses(text):
        asked = asked_quantity(understand(clause))
        if asked is not None and asked.kind != "count" and (head := unknown_head(asked.subject, known, _pos_flag)):
            return head
    return None


def asks_after_premise(question: Question, candidates: Sequence[Candidate]) -> bool:
    """True when ``question`` quotes the articles' figure as its premise and asks a quantity after it: its
    figure is no data of the user's to be judged against a threshold."""
    return _premise(question, candidates) is not None


def _premise(
    question: Question, candidates: Sequence[Candidate]
) -> tuple[Premise, AskedQuantity, list[Candidate]] | None:
    """The premise the question quotes from a close candidate, the quantity asked after it, and the close
    candidates; None when the question quotes no premise or asks no quantity after it."""
    near = [c for c in candidates[:PROBE] if c.score >= NEAR_SHARE * candidates[0].score] if candidates else []
    premise = quoted_premise(question, [c.sentence.text for c in near]) if near else None
    asked = asked_quantity(understand(premise.rest)) if premise is not None else None
    return (premise, asked, near) if premise is not None and asked is not None else None


def _absent_after_premise(
    question: Question, candidates: Sequence[Candidate], coverage: Callable[[list[str], str], float]
) -> Absence | None:
    """The quantity asked after a premise quoted from the articles ("库龄超180天算滞销，那临期品放多久算滞销") when
    no close sentence states another figure of its kind about what the asking clause adds; else None."""
    found = _premise(question, candidates)
    if found is None:
        return None
    premise, asked, near = found
    states = _stating(asked)
    if any(states_beyond(premise, c.sentence.text, states, coverage, ABOUT_SUBJECT) for c in near):
        return None
    return Absence(asked, None)


def _stating(asked: AskedQuantity) -> Callable[[str], bool]:
    """Whether a clause states a figure of the asked kind."""
    kind = asked.kind
    if kind in _FIGURE_UNITS:
        units = _FIGURE_UNITS[kind]
        extra = _YEARS if kind == "duration" else _SHARE
        return lambda clause: any(f.unit in units for f in figures(clause, levels_only=False)) or bool(extra.search(clause))
    if kind == "amount":  # a fee is as often a rate of the sum it is charged on ("发票金额的1%") as a sum
        return lambda clause: bool(_MONEY.search(arabic_figures(clause)) or _RATE_OF_SUM.search(arabic_figures(clause)))
    if kind == "count":  # the measure word ("家") or the counted noun ("员工", "个国家")
        measure = re.escape(_counted_of(asked.word))
        counted = rf"\d[\d,.]*\s*(?:多|余)?\s*(?:万|亿)?\s*[{_MEASURES}]?\s*{measure}"
        return lambda clause: bool(re.search(counted, arabic_figures(clause)))
    return lambda clause: bool(numbers(clause)) or bool(figures(clause, levels_only=False))


def _states_about(
    sentence: str, states: Callable[[str], bool], words: list[str], floor: float,
    coverage: Callable[[list[str], str], float],
) -> bool:
    """True when a clause of ``sentence`` states the figure and, with the clause before it (and the one after
    when the sentence simply goes on: "…60天仍未付款的，视为违约"), covers ``floor`` of the subject's words; the
    clause after counts only when it completes a condition."""
    parts = _CLAUSE_SPLIT.split(sentence)  # clause, separator, clause, separator, ...
    clauses, separators = parts[0::2], parts[1::2] + [""]
    for n, clause in enumerate(clauses):
        if states(clause):
            own = "".join(clauses[max(0, n - 1) : n + 1])
            after = clauses[n + 1] if n + 1 < len(clauses) and separators[n] in "，," else ""
            # the clause after completes a condition ("…60天仍未付款的，视为违约", "…低于1.2，则需…"); after a
            # statement of its own it says something else ("…完成核定，专业追偿部门…" is no time of a recovery)
            completes = bool(after) and bool(_CONDITION.search(clause) or _CONSEQUENCE.match(after))
            said = own + after if completes else own
            share = coverage(words, said)
            if share > 0 and share >= floor:
                return True
    return False


def _with_article_words(words: list[str], text: str) -> list[str]:
    """``words`` and the article words the lexicon gives for the colloquial words of ``text`` ("赔款" counts as
    赔付 and 理赔)."""
    added = query_terms(text)[1]
    return words + [w for w in added if w not in words]


def _closest(near: list[Candidate], coverage: Callable[[list[str], str], float], words: list[str]) -> Candidate | None:
    """The close sentence saying most of the question's ``words`` (at least :data:`ABOUT_SUBJECT` of them) and
    stating no figure (a figure about something else would read as the answer), or None."""
    if not words:
        return None
    scored = [(coverage(words, c.sentence.text), c) for c in near if not numbers(c.sentence.text)]
    share, best = max(scored, key=lambda s: s[0], default=(0.0, None))
    return best if share >= ABOUT_SUBJECT else None


def _counted_of(word: str) -> str:
    """What a count word counts: "多少家" -> 家, "多少个国家" -> 国家, "多少员工" -> 员工."""
    rest = re.sub(r"^(多少|几)", "", word)
    return rest[1:] if len(rest) > 1 and rest[0] in _MEASURES else rest


def _counted_noun(text: str) -> tuple[str, int] | None:
    """("多少个买家", where) when 多少 and a measure word are followed by a noun they count, or 多少 by a plain
    two-character noun that is the whole noun phrase ("多少员工"); else None. A longer noun after a bare 多少 is often an amount told in words
    ("省掉多少坏账准备金")."""
    for match in _COUNTED.finditer(text):
        if text[match.end() : match.end() + 1].isspace():
            continue  # the question ends there (an expansion may follow: "降了多少 坏账")
        words = _tagged(text[match.end() :])
        if not words or len(words[0][0]) < 2 or words[0][0] in _fillers():
            continue
        word, flag = words[0]
        whole = len(words) == 1 or not words[1][1].startswith(_NOUN_FLAGS)  # not the first half of "库存资金"
        if (match.group("measure") and flag.startswith(_NOUN_FLAGS)) or (flag == "n" and len(word) == 2 and whole):
            return match.group(0) + word, match.start()
    return None


def _tagged(text: str) -> list[tuple[str, str]]:
    """The first two words of ``text`` with their part-of-speech flags, blanks dropped, as ``jieba.posseg``
    cuts and tags without guessing new words (HMM off), without loading its tagger (~55 MB resident): the same
    blocks and dictionary route, a word's flag read from jieba's dictionary file."""
    segment("")  # the shared jieba dictionary, with the domain words, is loaded
    import jieba

    words: list[tuple[str, str | None]] = []  # None: a dictionary word, its flag read below
    for block in _POS_BLOCK.split(text):
        if not _POS_BLOCK.match(block):
            words += [(char, "x") for char in block if char.strip()]  # punctuation; blanks dropped
        else:
            route: dict[int, tuple[float, int]] = {}
            jieba.dt.calc(block, jieba.dt.get_DAG(block), route)
            at, latin = 0, ""
            while at < len(block) and len(words) < 2:
                word = block[at : route[at][1] + 1]
                at += len(word)
                if _LATIN_CHAR.match(word):  # single letters and digits run together into one "eng" word
                    latin += word
                    continue
                words += [(latin, "eng"), (word, None)] if latin else [(word, None)]
                latin = ""
            words += [(latin, "eng")] if latin else []
        if len(words) >= 2:
            break
    return [(word, flag or _pos_flag(word)) for word, flag in words[:2]]


@lru_cache(maxsize=4096)
def _pos_flag(word: str) -> str:
    """jieba's part-of-speech flag of a dictionary word (its last line in the dictionary file), "x" for others."""
    import jieba

    key = word.encode("utf-8") + b" "
    with jieba.dt.get_dict_file() as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        at = data.rfind(b"\n" + key) + 1 or (0 if data[: len(key)] == key else -1)
        if at < 0:
            return "x"
        end = data.find(b"\n", at)
        return data[at : end if end >= 0 else len(data)].decode("utf-8").strip().split(" ")[2]


def _trimmed(words_text: str) -> str:
    """The text less filler words (lexicon ``quantity_fillers``) and particles at either end."""
    words = segment(words_text)
    fillers = _fillers()

    def filler(w: str) -> bool:
        return w in fillers or w in STOPWORDS or not w.strip() or not re.search(r"[\w]", w)

    while words and filler(words[-1]):
        words.pop()
    while words and filler(words[0]):
        words.pop(0)
    return "".join(words)


def _ends_clause(text: str, at: int) -> bool:
    """True when nothing but particles follows position ``at`` in its clause: a bare "多少" asks for a figure
    ("能提高多少"), while "省掉多少坏账准备金" asks about the thing itself, often answered in words."""
    return not re.match(r"[呢吗啊呀嘛哦]*[\u4e00-\u9fffA-Za-z0-9]", text[at:])


def _asks_more_after(text: str, at: int) -> bool:
    """True when a clause after the one holding position ``at`` asks something of its own (a what, which or
    how): the quantity is then not all the question asks, and its absence does not make the answer.

    A later clause asking only whether a consequence holds ("错过了是不是就拿不到了", "有没有上限") or the same
    quantity again ("日万分之几") follows the quantity up: it is still what is asked ("…能先发货吗" asks its own). Unless the quantity is the user's own
    event, told ("看着每张单子欠了多久"): then any later question is the one asked.
    """
    end = _CLAUSE_START.search(text, at)
    if end is None:
        return False
    later = [c for c in clauses(text[end.end() :]) if asks(c) or _ASKS_WHICH_OR_WHETHER.search(c)]
    if not later:
        return False
    if text[:at].endswith("了"):  # "拖了多久": how long it has lasted, in the user's story
        return True
    return any(not _follows_up(c) for c in later)


def _follows_up(clause: str) -> bool:
    """True when ``clause`` asks only whether a consequence holds, or asks a quantity again: no what, which or how."""
    if _ASKS_OPEN.search(clause):
        return False
    return bool(_ASKS_WHETHER.search(clause)) or any(w in clause for ws in _kinds().values() for w in ws)


def _clause_after(text: str, at: int) -> str:
    """The rest of the clause after position ``at`` (a question asking first: "多少天内要报案")."""
    end = _CLAUSE_START.search(text, at)
    return text[at : end.start() if end else len(text)]


def _metric_of(subject: str) -> str:
    """The metric a level question names, less what the user says it does or is compared with ("公司流动比率掉"
    -> 流动比率, "DSO跟去年同期比涨" -> DSO): the words up to the first word of movement or comparison
    (lexicon ``metric_movements``), the user's own firm (a filler) trimmed."""
    return _up_to_movement(subject) or subject


def _up_to_movement(text: str) -> str:
    """``text`` up to its first word of movement or comparison ("降", "跟", or a move to a level: "低到",
    "升至"), fillers trimmed."""
    words = segment(text)
    cut = next((n for n, w in enumerate(words) if w in _movements() or (len(w) == 2 and w[-1] in "到至")), len(words))
    return _trimmed("".join(words[:cut]))


@cache
def _movements() -> frozenset[str]:
    return frozenset(str(w) for w in lexicon().get("metric_movements", []))


def _named_metric(before: str) -> str:
    """The metric named in the last clause of ``before`` (up to its first word of movement or comparison), or ""."""
    return _up_to_movement(_CLAUSE_START.split(before)[-1])


def _unknown_word(metric: str, known: Callable[[str], bool]) -> bool:
    """True when a Chinese noun (two characters or more) of ``metric`` is not known to the articles (a word
    jieba cuts across two words, "占比到" -> 比到, is no noun)."""
    return any(not known(w) for w in segment(metric)
               if len(w) >= 2 and w not in STOPWORDS and re.fullmatch(r"[\u4e00-\u9fff]+", w)
               and _pos_flag(w) in ("n", "vn"))


def _long_words(subject: str) -> list[str]:
    """The subject's words ("应付", "账款", "周转率"), or [] when it has no long (3+) one: a level must be of
    the metric they name together."""
    words = [w for w in segment(subject) if len(w) >= 2 and w not in STOPWORDS and not w[0].isdigit()]
    return words if any(len(w) >= 3 for w in words) else []


@cache
def _kinds() -> dict[str, list[str]]:
    return {k: [str(w) for w in v] for k, v in lexicon()["quantity_kinds"].items()}


@cache
def _limits() -> dict[str, str]:
    return {str(k): str(v) for k, v in lexicon()["quantity_limits"].items()}


@cache
def _fillers() -> frozenset[str]:
    return frozenset(str(w) for w in lexicon()["quantity_fillers"])


def absent_text(missing: Absence, citations: Citations) -> str:
    """"抱歉，资料里没有给出X的具体比例。" and, when a close sentence names X, "资料只提到：…[n]。"."""
    subject = f"{missing.asked.subject}的" if missing.asked.subject else ""
    text = f"抱歉，资料里没有给出{subject}{missing.asked.label}。"
    if missing.said is not None:
        text += f"资料只提到：{citations.cite(missing.said.sentence, opening=True)}。"
    return full_width(text)


# grammar of a question asking whether, which or how (not how much): "吗", an A-not-A pair, 是否, 哪些, 怎么
_ASKS_WHETHER_WHICH_HOW = re.compile(r"[吗么嘛]\s*[?？]?\s*$|([\u4e00-\u9fff])[不没]\1|是否|哪些|哪几|怎么|怎样|如何|流程|步骤|手续")
_ASKS_HOW = ("怎么", "怎样", "如何")  # the word after them is the action asked, not a thing
_TOLD_BEFORE = ("以后", "之后", "后", "时候", "的时候")  # "交了X以后…能赔吗": X is the story's, the event after it is asked


def unnamed_charge(text: str, known: Callable[[str], bool]) -> str | None:
    """A charge (a tax, a fee: lexicon ``charge_heads``) or a currency (``currency_heads``) an asking clause of ``text`` asks whether, which or
    how about when the articles never name it ("赔款到账还用缴所得税吗" -> 所得税, "仲裁费谁来承担" -> 仲裁费),
    else None.

    The charge is a plain noun (two Chinese characters or more) ending in a charge's head morpheme, in a
    clause asking a yes/no, a list or a procedure (a quantity is :func:`absence`'s), which neither the
    articles nor the lexicon's article words for it know (:func:`knowledge.heads.unknown_head`). Left out: a
    modifier of a later noun ("X的客户"), the action after 怎么, a word jieba cut across another ("另外交"),
    a charge told before the asked event ("交了X以后"), and a currency of a sum told ("二十万美元", "美元货款":
    the story's money, not the one asked to be paid in). Whether a charge is owed, paid or refunded is a
    term of the policy, as is the currency a payout is made in: an article that never names the charge cannot say, however many of the question's
    other words (理赔, 保险公司) a neighbouring sentence shares.
    """
    for clause in clauses(text):
        if not _ASKS_WHETHER_WHICH_HOW.search(clause) or asked_quantity(understand(clause)) is not None:
            continue
        words = [w for w in segment(clause) if w.strip()]
        for n, word in enumerate(words):
            if word[-1] not in _charge_heads() and word[-1] not in _currency_heads():
                continue
            before, after = words[n - 1] if n else "", words[n + 1 : n + 3]
            if word[-1] in _currency_heads() and (re.search(r"[\d万千百亿十]$", before) or _noun_after(after)):
                continue  # a sum told ("二十万美元") or a sum's currency ("美元货款"): the story's money, not the asked one
            if after[:1] == ["的"] and len(after) > 1 and _pos_flag(after[1]).startswith("n"):
                continue  # a modifier: "X的客户" asks about the customer
            if any(w in _TOLD_BEFORE for w in after):
                continue  # told before the asked event ("关税加征后…怎么办": the tariff sets the scene)
            if before in _ASKS_HOW or (before and _pos_flag(before + word[0]) != "x"):
                continue  # the action asked ("怎么办理"), or a word cut across another ("另外交")
            if unknown_head(word, known, _charge_flag) is not None:
                return word
    return None


def _charge_flag(word: str) -> str:
    """jieba's flag, a compound of three characters or more ending in a charge's head counting as a noun
    (jieba tags 搬运费 a verb: the head morpheme makes it the thing; 浪费 or 花费 stay verbs)."""
    return "n" if len(word) >= 3 and (word[-1] in _charge_heads() or word[-1] in _currency_heads()) else _pos_flag(word)


def _noun_after(after: list[str]) -> bool:
    """True when the next word is a noun: the word before it qualifies it."""
    return bool(after) and _pos_flag(after[0]).startswith("n")


@cache
def _currency_heads() -> frozenset[str]:
    return frozenset(str(w) for w in lexicon()["currency_heads"])


@cache
def _charge_heads() -> frozenset[str]:
    return frozenset(str(w) for w in lexicon()["charge_heads"])
