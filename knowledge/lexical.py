"""Okapi BM25 over jieba terms: per-term postings held as numpy arrays, so a query costs a few vector adds."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

import numpy as np

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
        lengths = [len(d) for d in documents]
        avg = (sum(lengths) / self.n) if self.n else 0.0
        df: Counter[str] = Counter()
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, document in enumerate(documents):
            norm = K1 * (1 - B + B * lengths[i] / avg)
            for term, tf in Counter(document).items():
                df[term] += 1
                docs, weights = postings.setdefault(term, ([], []))
                docs.append(i)
                weights.append(tf * (K1 + 1) / (tf + norm))  # the document's saturated term frequency
        self.idf = {t: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._postings = {
            t: (np.asarray(docs, dtype=np.int32), np.asarray(weights, dtype=np.float32))
            for t, (docs, weights) in postings.items()
        }

    def scores(self, query: list[str], weight: Mapping[str, float] | None = None) -> np.ndarray:
        """BM25 of every document for the query terms (duplicates in the query count once), each term
        counting ``weight[term]`` (1 when absent)."""
        out = np.zeros(self.n, dtype=np.float32)
        for term in set(query):
            idf = self.idf.get(term)
            if idf is not None:
                docs, weights = self._postings[term]
                share = weight.get(term, 1.0) if weight else 1.0
                out[docs] += share * idf * weights  # a term's postings name each document once
        return out

    def ceiling(self, query: list[str], weight: Mapping[str, float] | None = None) -> float:
        """An upper bound of :meth:`scores` for the query (every known term, saturated)."""
        return sum((weight.get(t, 1.0) if weight else 1.0) * self.idf.get(t, 0.0) * (K1 + 1) for t in set(query))

    def known_share(self, query: list[str]) -> float:
        """Share of distinct query terms that occur somewhere in the corpus."""
        terms = set(query)
        return (sum(1 for t in terms if t in self.idf) / len(terms)) if terms else 0.0
