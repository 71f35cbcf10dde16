"""Webhooks: the /v3/webHooks API, the dispatcher, signing, delivery log, replay, broker sink."""
