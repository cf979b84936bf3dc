from celery import shared_task


@shared_task(name="network.tasks.calls_alert")
def calls_alert():
    """Announce incubators' calls that opened and remind those about to close. Runs every few
    minutes; safe to run twice (each call is claimed once per alert)."""
    from .services import calls_alert as run

    return run()


@shared_task(name="network.tasks.announce_call")
def announce_call(call_id):
    """Announce one call saved already open, right after its commit; safe to run twice."""
    from .services import call_announce

    return call_announce(call_id=call_id)
