"""Writes of the queueing capability, one module per responsibility.

- ``tickets``: taking a number, checking a booking in, the kiosk's SMS.
- ``desk``: desk sessions (what an official serves now, where, how).
- ``calling``: call next and call one out of turn — the guarantees that no customer
  and no space is given twice live there.
- ``actions``: what an official does with the customer they called.

Callers import from this package; the modules import selectors, never the reverse.
"""

from __future__ import annotations

from luukku.queueing.services.actions import (
    PARK_MINUTES_MAX,
    FollowUpNeeds,
    follow_up_needs,
    ticket_finish,
    ticket_follow_up,
    ticket_follow_up_times,
    ticket_no_show,
    ticket_park,
    ticket_recall,
    ticket_start,
    ticket_transfer,
)
from luukku.queueing.services.calling import CallResult, ticket_call, ticket_call_next
from luukku.queueing.services.common import QueueError
from luukku.queueing.services.desk import (
    desk_session_end,
    desk_session_pause,
    desk_session_resume,
    desk_session_start,
    desk_session_take_space,
    session_scope,
)
from luukku.queueing.services.interpreting import ticket_arrange_interpreter
from luukku.queueing.services.tickets import (
    CheckIn,
    Needs,
    booking_check_in,
    demo_seed,
    needs_from,
    parse_booking_code,
    queue_for,
    ticket_create,
    ticket_flag_safe_room,
    ticket_sms,
    walk_in_possible,
)

__all__ = [
    "PARK_MINUTES_MAX",
    "CallResult",
    "CheckIn",
    "FollowUpNeeds",
    "Needs",
    "QueueError",
    "booking_check_in",
    "demo_seed",
    "desk_session_end",
    "follow_up_needs",
    "needs_from",
    "desk_session_pause",
    "desk_session_resume",
    "desk_session_start",
    "desk_session_take_space",
    "parse_booking_code",
    "queue_for",
    "session_scope",
    "ticket_arrange_interpreter",
    "ticket_call",
    "ticket_call_next",
    "ticket_create",
    "ticket_finish",
    "ticket_flag_safe_room",
    "ticket_follow_up",
    "ticket_follow_up_times",
    "ticket_no_show",
    "ticket_park",
    "ticket_recall",
    "ticket_sms",
    "ticket_start",
    "ticket_transfer",
    "walk_in_possible",
]
