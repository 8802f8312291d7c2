"""The one vocabulary file, ``knowledge/lexicon.yaml``: lists that must be lists, each entry with its reason."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON = Path(__file__).with_name("lexicon.yaml")
# libyaml's parser when PyYAML was built with it: the same data, ~10x less CPU at every process's start
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The parsed lexicon (loaded once per process)."""
    return yaml.load(LEXICON.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader


def metric_aliases() -> dict[str, list[str]]:
    """Canonical metric name -> the ways articles and users write it."""
    return {k: [str(a) for a in v] for k, v in lexicon()["metric_aliases"].items()}


def asked_kinds() -> dict[str, list[str]]:
    """Kind of fact -> the question words asking for it."""
    return {k: [str(a) for a in v] for k, v in lexicon()["asked_kinds"].items()}


def event_synonyms() -> dict[str, list[str]]:
    """Start-event word -> the words that name the same event."""
    return {k: [str(a) for a in v] for k, v in lexicon().get("event_synonyms", {}).items()}


def synonyms() -> dict[str, str]:
    """Colloquial word -> the article words added to a question that uses it."""
    return {str(k): str(v) for k, v in lexicon().get("synonyms", {}).items()}


def event_names() -> dict[str, str]:
    """A buyer event's other name -> the articles' name for it, read into a told cause before it is judged."""
    return {str(k): str(v) for k, v in lexicon().get("event_names", {}).items()}


def uncovered_aspects() -> list[dict[str, str]]:
    """Policy aspects (name, ``asked`` regex, ``evidence`` regex) answered only when the articles mention them."""
    return [{k: str(v) for k, v in a.items()} for a in lexicon().get("uncovered_aspects", [])]


def english_glossary() -> dict[str, str]:
    """English phrase (lowercase) -> the Chinese article terms added to a question that uses it."""
    return {str(k).lower(): str(v) for k, v in lexicon().get("english_glossary", {}).items()}


def search_synonyms() -> dict[str, tuple[str, ...]]:
    """Colloquial word -> article words that count as extra BM25 matches (never widening the query's ceiling)."""
    return {str(k): tuple(str(w) for w in v) for k, v in lexicon().get("search_synonyms", {}).items()}


def words(section: str) -> tuple[str, ...]:
    """A plain word list of the lexicon (``domain_words``, ``generic_terms``, ``off_topic`` ...), in file order."""
    return tuple(str(w) for w in lexicon().get(section, []))
