"""The answer pipeline: one object per step, run in the order ``Settings.answer_steps`` gives.

An *answer step* (``handle(turn) -> Reply | None``) answers a turn or passes it on; the first reply
wins. A *refiner* (``refine(turn, reply) -> Reply``, ``stream(turn, reply)``) then reworks that reply,
e.g. an LLM rewrite. Steps never call each other: what they share is the :class:`~bot.pipeline.turn.TurnContext`.

A new step is one module here with one class, plus its name in :data:`bot.pipeline.catalogue.STEPS`.
"""
