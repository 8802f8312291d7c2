"""One module per tool, each defining ``SPEC`` (a :class:`tools.registry.ToolSpec`); the registry finds them all."""
