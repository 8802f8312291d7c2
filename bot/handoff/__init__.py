"""Hand-off to a person: who is waiting for an advisor (:mod:`.desk`), office hours (:mod:`.hours`),
advisor notifications (:mod:`.notify`) and delivering an advisor's reply on the user's channel
(:mod:`.delivery`). The answer pipeline's step is :mod:`bot.pipeline.handoff`; the HTTP routes are
:mod:`bot.web.handoff_api`.
"""
