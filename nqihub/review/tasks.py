"""Background work of the review app, on Django's task framework (the database worker by default)."""

from django.tasks import task


@task()
def run_batch_review(batch_id: int) -> int:
    """Review every disclosure of a regulator's batch; progress is kept on the batch row."""
    from .services import run_batch

    return run_batch(batch_id).done
