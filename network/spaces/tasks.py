from celery import shared_task


@shared_task(name="network.tasks.bookings_housekeeping")
def bookings_housekeeping():
    """Expire undecided booking requests and remind requesters the day before. Runs every few
    minutes; safe to run twice (each reminder is claimed once)."""
    from .services import bookings_housekeeping as run

    return run()
