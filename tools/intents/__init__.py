"""Recognising tool requests in chat messages (Chinese and English) and reading their arguments.

Pure text work, no I/O: :func:`detect` says which tool a message asks for and with which values;
:func:`fill_slots` reads the values a follow-up message supplies. Knowledge questions that merely
mention a term ("我们DSO一直在变长，这说明啥问题？") are left alone (``None``).

The package: :mod:`~tools.intents.detection` over :mod:`~tools.intents.buyers` (buyer questions) and
:mod:`~tools.intents.slots` (a calculator's values), both over :mod:`~tools.intents.request`.
"""

from tools.intents.buyers import (
    BUYER_REFERENCE,
    LEDGER_ASKS,
    NOT_A_NAME,
    asks_credit_decision,
    buyer_name,
    buyer_request,
    named_buyers,
    refers_to_buyer,
    window_change,
    without_aging,
)
from tools.intents.detection import detect
from tools.intents.request import KNOWLEDGE_MARKERS, ToolRequest, spaced_scripts
from tools.intents.slots import fill_slots

__all__ = [
    "BUYER_REFERENCE", "KNOWLEDGE_MARKERS", "LEDGER_ASKS", "NOT_A_NAME", "ToolRequest", "asks_credit_decision",
    "buyer_name", "buyer_request", "detect", "fill_slots", "named_buyers", "refers_to_buyer", "spaced_scripts",
    "window_change", "without_aging",
]
