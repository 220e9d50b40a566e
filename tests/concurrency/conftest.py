import pytest


@pytest.fixture
def queued_tasks(monkeypatch):
    """Celery tasks the code under test queues, recorded instead of sent to the broker (no
    worker runs in these tests): ``{task name: [args, ...]}``."""
    from notices import tasks

    queued: dict[str, list[tuple]] = {}
    for task in (tasks.letter_draft_task, tasks.letters_render_task,
                 tasks.letter_dispatch_task, tasks.letter_email_task,
                 tasks.mailing_batch_task):
        monkeypatch.setattr(task, "delay",
                            lambda *args, _name=task.name: queued.setdefault(_name, []).append(
                                args))
    return queued
