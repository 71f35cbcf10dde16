"""Senders: HTTP endpoints and the NATS JetStream broker, behind one Protocol."""
