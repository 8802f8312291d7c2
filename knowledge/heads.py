"""The head noun of an asked quantity's subject, and whether the articles know that thing at all.

In "仓库的租金一般涨几成" the quantity is of 租金; in "保管员的工资多少钱" of 工资: the last noun of the
subject names the thing the figure belongs to. When the articles never use that word (nor a longer word
holding it, nor a compound sharing its head or tail, nor an article word the lexicon gives for it), no
sentence of theirs can state the quantity, however many of the question's other words ("仓库", "保管") a
neighbouring sentence shares: the figure it states is a figure of something else. Nouns that name the
asked quantity itself ("时限", "比例") say what kind of figure is asked, not what it is of (lexicon
``quantity_nouns``). This reads the shape of the question and the articles' vocabulary, never a topic list.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from knowledge.lexicon import lexicon
from knowledge.terms import STOPWORDS, query_terms, segment

# jieba's flag of a plain noun: names, places and verbal nouns are left out (a person's or a company's
# name is judged elsewhere, a verbal noun is as often the action asked about as the thing)
_NOUN = "n"


def unknown_head(subject: str, known: Callable[[str], bool], flag: Callable[[str], str]) -> str | None:
    """The subject's head noun when the articles do not know it, else None.

    Args:
        subject: the asked quantity's subject in the user's words ("保管员的工资").
        known: whether the articles know a word (as a word, inside a longer one, or as a compound's end).
        flag: jieba's part-of-speech flag of a dictionary word ("x" when it is not one).
    """
    words = [w for w in segment(subject) if w.strip() and w not in STOPWORDS]
    if not words:
        return None
    head = words[-1]
    if len(head) < 2 or not head.isalpha() or head.isascii() or flag(head) != _NOUN:
        return None  # a verb, a particle or a Latin word ends the subject: no thing is named there
    if head in _quantity_nouns() or known(head) or query_terms(head)[1]:
        return None
    return head


@cache
def _quantity_nouns() -> frozenset[str]:
    return frozenset(str(w) for w in lexicon()["quantity_nouns"])
