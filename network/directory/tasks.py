from celery import shared_task


@shared_task(name="network.tasks.remind_actor_admins")
def remind_actor_admins():
    """Yearly "still up to date?" mail to actor admins; flags stale entries. Runs daily;
    safe to run twice (one reminder per actor and year)."""
    from .services import reminders_send

    return reminders_send()
