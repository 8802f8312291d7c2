"""Okapi BM25 over jieba terms (small corpus, plain Python + dicts)."""

from __future__ import annotations

import math
from collections import Counter

K1 = 1.2
B = 0.75


class BM25:
    """BM25 scorer over pre-tokenised documents.

    Besides raw BM25, :meth:`coverage` gives a query-comparable 0..1 score: the document's
    BM25 divided by the best score any document could get for the query's known terms
    (each term's IDF x (k1 + 1)), shrunk by the share of query terms the corpus knows.
    """

    def __init__(self, documents: list[list[str]]) -> None:
        self.n = len(documents)
        self.lengths = [len(d) for d in documents]
        self.avg = (sum(self.lengths) / self.n) if self.n else 0.0
        self.freqs = [Counter(d) for d in documents]
        df: Counter[str] = Counter()
        for f in self.freqs:
            df.update(f.keys())
        self.idf = {t: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._postings: dict[str, list[int]] = {}
        for i, f in enumerate(self.freqs):
            for t in f:
                self._postings.setdefault(t, []).append(i)

    def scores(self, query: list[str]) -> list[float]:
        """BM25 of every document for the query terms (duplicates in the query count once)."""
        out = [0.0] * self.n
        for term in set(query):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for i in self._postings[term]:
                tf = self.freqs[i][term]
                norm = K1 * (1 - B + B * self.lengths[i] / self.avg)
                out[i] += idf * tf * (K1 + 1) / (tf + norm)
        return out

    def ceiling(self, query: list[str]) -> float:
        """An upper bound of :meth:`scores` for the query (every known term, saturated)."""
        return sum(self.idf.get(t, 0.0) * (K1 + 1) for t in set(query))

    def known_share(self, query: list[str]) -> float:
        """Share of distinct query terms that occur somewhere in the corpus."""
        terms = set(query)
        return (sum(1 for t in terms if t in self.idf) / len(terms)) if terms else 0.0
