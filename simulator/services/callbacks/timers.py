"""The post-sale engine's timers: sale steps, deliveries coming due, proofs of transfer,
ticket-transfer events."""

from simulator.services.callbacks import deliveries, postsale, transfers, vivenu

TIMERS = (postsale.TIMER, deliveries.TIMER, transfers.TIMER, vivenu.TIMER)
