"""Questions asking for the warning signs of trouble, and the article sentences that list such signs.

"客户出问题前有什么征兆" is answered by a sentence that names signs and lists them ("常见的风险信号包括：A、B、C"),
not by one that merely mentions a sign in passing ("出现征兆时，及时催收"). The sign words are data
(``lexicon.yaml`` ``warning_signs``).
"""

from __future__ import annotations

from knowledge.lexicon import words
from knowledge.sentences import enumerates

_SIGNS = tuple(w.lower() for w in words("warning_signs"))


def asks_signs(query: str) -> bool:
    """True when the question asks what the signs of trouble are ("会有哪些征兆", "any red flags")."""
    lowered = query.lower()
    return any(w in lowered for w in _SIGNS)


def lists_signs(text: str) -> bool:
    """True for a sentence naming warning signs and listing several ("三个关键信号显现：A、B、C")."""
    lowered = text.lower()
    return enumerates(text) and any(w in lowered for w in _SIGNS)
