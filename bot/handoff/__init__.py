"""Hand-off to a person: who is waiting for an advisor (:mod:`.desk`), office hours (:mod:`.hours`) and
advisor notifications (:mod:`.notify`). The answer pipeline's step is :mod:`bot.pipeline.handoff`, the HTTP
routes are :mod:`bot.web.handoff_api`, and an advisor's reply goes out through
:mod:`bot.channels.handoff_delivery`.
"""
