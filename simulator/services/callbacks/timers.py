"""The post-sale engine's timers: sale steps, deliveries coming due, proofs of transfer."""

from simulator.services.callbacks import deliveries, postsale, transfers

TIMERS = (postsale.TIMER, deliveries.TIMER, transfers.TIMER)
