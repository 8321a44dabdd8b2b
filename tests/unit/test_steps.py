"""StepTask and Batch: steps shown as they start, results and errors, cancel at a step
boundary, a batch's summary; and the command line's progress line showing the step."""

from __future__ import annotations

import io
import threading

import pytest

from xapiman.actions.steps import Batch, StepError, StepRunner, StepTask
from xapiman.scripting.terminal import follow


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_steps_are_shown_and_the_result_kept() -> None:
    seen: list[tuple[str, float]] = []
    release = threading.Event()

    def body(run: StepRunner) -> str:
        run.step("Cloning", 0.0)
        run.step("Provisioning", 0.5)
        release.wait(5)
        return "OpaqueRef:new"

    task = StepTask(None, "VM.new", body)
    task.add_listener(lambda t: seen.append((t.detail, t.progress)))
    task.start()
    stream = Tty()
    threading.Timer(0.3, release.set).start()
    assert follow(task, "New VM 'x'", stream=stream) == "OpaqueRef:new"
    assert task.status == "success" and task.progress == 1.0
    assert ("Cloning", 0.0) in seen and ("Provisioning", 0.5) in seen
    assert "New VM 'x' [###############...............]  50% Provisioning" in stream.getvalue()


def test_a_body_error_and_an_unexpected_one_end_as_failures(log_errors) -> None:
    def refused(run: StepRunner) -> None:
        run.step("Making disks")
        raise StepError("no room", code="SR_FULL", params=("1", "2"))

    task = StepTask(None, "VM.new", refused).start()
    with pytest.raises(StepError) as caught:
        task.wait(5)
    assert task.status == "failure" and caught.value.code == "SR_FULL"
    assert task.detail == "no room"

    def broken(run: StepRunner) -> None:
        raise KeyError("surprise")

    log_errors.expect("VM.new failed unexpectedly")  # a bug in a body is logged with its trace

    task = StepTask(None, "VM.new", broken).start()
    with pytest.raises(StepError) as caught:
        task.wait(5)
    assert task.status == "failure" and caught.value.code == "KeyError"


def test_cancel_stops_at_the_next_step_and_runs_the_hooks() -> None:
    started, hooked = threading.Event(), []

    def body(run: StepRunner) -> None:
        run.step("First")
        run.task.on_cancel(lambda: hooked.append("cut"))
        started.set()
        run.task._cancel.wait(5)
        run.step("Second")  # raises: cancelled

    task = StepTask(None, "VM.export", body).start()
    assert started.wait(5)
    task.cancel()
    with pytest.raises(StepError) as caught:
        task.wait(5)
    assert task.status == "cancelled" and caught.value.code == "TASK_CANCELLED"
    assert hooked == ["cut"]


def test_a_queued_task_cancelled_before_its_turn_never_runs() -> None:
    gate = threading.Semaphore(0)  # no turn for anyone
    ran = []
    task = StepTask(None, "VM.new", lambda run: ran.append(1), gate=gate,
                    waiting="Waiting for its turn").start()
    assert task.detail == "Waiting for its turn"
    task.cancel()
    with pytest.raises(StepError):
        task.wait(5)
    assert task.status == "cancelled" and ran == []


def test_a_batch_follows_its_members_and_sums_up() -> None:
    def ok(run: StepRunner) -> str:
        run.step("Working")
        return "done"

    def bad(run: StepRunner) -> None:
        raise StepError("it broke", code="INTERNAL_ERROR")

    members = [StepTask(None, "VM.new", ok), StepTask(None, "VM.new", bad),
               StepTask(None, "VM.new", ok)]

    def summary(good, failed, cancelled) -> str:
        return f"{len(good)} made, {len(failed)} failed, {len(cancelled)} cancelled"

    batch = Batch(None, "VM.new batch", members, summary).start()
    for member in members:
        member.start()
    with pytest.raises(StepError) as caught:
        batch.wait(5)
    assert str(caught.value) == "2 made, 1 failed, 0 cancelled"
    assert batch.status == "failure" and batch.detail == "2 made, 1 failed, 0 cancelled"
    assert caught.value.code == "INTERNAL_ERROR"
    assert not batch.owns("OpaqueRef:other")


def test_a_batch_that_succeeds_ends_with_its_summary() -> None:
    members = [StepTask(None, "VM.new", lambda run: run.outcome("made")) for _ in range(20)]
    batch = Batch(None, "VM.new batch", members,
                  lambda good, failed, cancelled: f"{len(good)} of 20 made")
    batch.start()
    for member in members:
        member.start()
    assert batch.wait(5) == [None] * 20
    # the members' last progress news cannot overwrite the summary
    assert batch.detail == "20 of 20 made" and batch.status == "success"
    assert all(m.detail == "made" for m in members)
