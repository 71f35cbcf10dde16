"""Events: the transactional outbox, the event catalogue and payload builders."""
