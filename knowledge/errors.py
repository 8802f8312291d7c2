"""creditbot's exceptions. One tree, translated to a user-facing form only at the edges.

CreditbotError
 ├── IngestError            an article could not be read or parsed
 ├── RetrievalError         the index is missing, empty or broken
 ├── ModelError             the embedding model could not be built or loaded
 ├── InvalidMessage         a user message is empty, too long or not text
 └── ToolError              a tool call failed
      ├── ServiceUnavailable   the credit service did not answer
      ├── BuyerNotFound        no buyer with that id
      └── InvalidInput         the service refused the numbers (HTTP 422)

This module sits in the lowest layer (``knowledge``) so that ``tools`` and ``ingest`` can share
it without importing anything above them.
"""


class CreditbotError(Exception):
    """Base class of every creditbot error."""


class IngestError(CreditbotError):
    """An article could not be read or parsed."""


class RetrievalError(CreditbotError):
    """The index is missing, empty or broken."""


class ModelError(CreditbotError):
    """The embedding model could not be built or loaded."""


class ToolError(CreditbotError):
    """A tool call failed."""


class ServiceUnavailable(ToolError):
    """The credit service did not answer."""


class BuyerNotFound(ToolError):
    """No buyer with that id."""


class InvalidInput(ToolError):
    """The credit service refused the numbers."""


class InvalidMessage(CreditbotError):
    """A user message is empty, too long or not text."""
