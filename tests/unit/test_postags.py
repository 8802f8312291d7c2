"""The part-of-speech flags the buyer-name checks read, against jieba's own tagger."""

from __future__ import annotations

import subprocess
import sys

from tools.postags import flag, tag

# Own sentences: dictionary words, coined trade names jieba does not know (its HMM guesses them), Latin and
# numbers inside and between words, blanks of every kind, punctuation, nothing at all.
SAMPLES = [
    "",
    "？",
    "  \t",
    "这家做五金的佳禾晟拖了我们两个月",
    "鑫淼垚的账款 到期了\r\n吗？",
    "Q3回款率98.5%，比去年低",
    "ERP系统里看得到B2B客户的账龄",
    "晟泓达化纤跟恒丰有没有关系",
    "听说城西那家叫锦鲤阁的饭店结账很慢",
    "a b c 1 2 3 ab12 x.y",
    "全角ＡＢＣ１２３也算吗",
]


def test_tags_every_sample_as_jieba_posseg_does_without_loading_it() -> None:
    code = (
        "import sys\n"
        "from tools.postags import tag\n"
        f"samples = {SAMPLES!r}\n"
        "ours = [tag(s) for s in samples]\n"
        "assert 'jieba.posseg' not in sys.modules\n"
        "import jieba.posseg\n"
        "theirs = [[(p.word, p.flag) for p in jieba.posseg.lcut(s)] for s in samples]\n"
        "assert ours == theirs, [(o, t) for o, t in zip(ours, theirs) if o != t]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_blanks_stay_words_of_their_own() -> None:
    words = [word for word, _ in tag("欠款 到期\r\n了")]
    assert words == ["欠款", " ", "到期", "\r\n", "了"]


def test_an_unknown_run_is_cut_by_the_hmm_into_words_with_flags() -> None:
    words = tag("锦鲤阁的老板")
    assert "".join(w for w, _ in words) == "锦鲤阁的老板"
    assert all(f for _, f in words)


def test_flags_of_the_dictionary_files_first_and_last_lines_and_of_no_line() -> None:
    assert flag("AT&T") == "nz"  # the file's first line has no line break before it
    assert flag("龢") == "zg"  # nor a break after the last one
    assert flag("佳禾晟") == "x"  # not a dictionary word
