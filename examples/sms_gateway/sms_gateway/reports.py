"""No report: the outbox page lists every SMS, with its state and the gateway's reason."""
