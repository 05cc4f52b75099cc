"""Domain events: what happened in a lower app, announced to the apps above it.

An action publishes a typed event (`publish`) inside its transaction. Subscribers registered in
each app's `AppConfig.ready()` react:

- immediate subscribers run in the publishing process after the transaction commits
  (`transaction.on_commit`); a failure is logged and never undoes the change;
- durable subscribers get an outbox row written in the same transaction as the change, which
  the worker delivers (`outbox.deliver_one`), so a reaction is never lost when a process dies
  between the commit and the delivery, and never done twice: each consumer records, in the
  transaction that does its work, that it has handled the event.

See docs/architecture.md.
"""

from sasaran.events.base import Event
from sasaran.events.bus import publish, subscribe

__all__ = ["Event", "publish", "subscribe"]
