"""The errors of the tools layer. ``bot`` translates them at its edge; nothing here imports ``knowledge``.

ToolError                  a tool call failed
 ├── ServiceUnavailable    the credit service did not answer (or answered nonsense)
 ├── BuyerNotFound         no buyer with that id
 ├── InvalidInput          the service or a calculator refused the numbers (HTTP 422)
 └── PermissionDenied      the caller may not use this tool
"""


class ToolError(Exception):
    """A tool call failed."""


class ServiceUnavailable(ToolError):
    """The credit service did not answer; try again later."""


class BuyerNotFound(ToolError):
    """No buyer with that id; check the id or the company's full name."""


class InvalidInput(ToolError):
    """The credit service or a calculator refused the numbers; correct them and ask again."""


class PermissionDenied(ToolError):
    """The caller may not use this tool; ask an administrator for access."""
