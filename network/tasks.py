from celery import shared_task


@shared_task(name="network.tasks.remind_actor_admins")
def remind_actor_admins():
    """Yearly "still up to date?" mail to actor admins; flags stale entries. Runs daily;
    safe to run twice (one reminder per actor and year)."""
    from .services import reminders_send

    return reminders_send()


@shared_task(name="network.tasks.bookings_housekeeping")
def bookings_housekeeping():
    """Expire undecided booking requests and remind requesters the day before. Runs every few
    minutes; safe to run twice (each reminder is claimed once)."""
    from .booking import bookings_housekeeping as run

    return run()


@shared_task(name="network.tasks.calls_alert")
def calls_alert():
    """Announce incubators' calls that opened and remind those about to close. Runs every few
    minutes; safe to run twice (each call is claimed once per alert)."""
    from .incubators import calls_alert as run

    return run()


@shared_task(name="network.tasks.announce_call")
def announce_call(call_id):
    """Announce one call saved already open, right after its commit; safe to run twice."""
    from .incubators import call_announce

    return call_announce(call_id=call_id)
