"""`xapiman-cli task list|wait`: the pool's tasks, and following one started with --no-wait."""

from __future__ import annotations

import argparse
import json

from xapiman.i18n import translate
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.terminal import cell, follow, printable
from xapiman.scripting.tree import CommandTree
from xapiman.xapi.records.activity import Task


def register(tree: CommandTree) -> None:
    group = tree.group("task", translate("Cli", "list the pool's tasks and wait for one to end"))
    listing = tree.verb(group, "list", translate(
        "Cli", "the pool's tasks: those running first, then those that ended, newest first"),
        task_list)
    listing.add_argument("--json", action="store_true", help=translate("Cli", "print JSON"))
    wait = tree.verb(group, "wait", translate(
        "Cli", "wait for a task to end (e.g. one started with --no-wait) and say how it ended"),
        task_wait)
    wait.add_argument("task", metavar="TASK", help=translate(
        "Cli", "the task's reference (OpaqueRef:..., as --no-wait prints it) or uuid"))


def _row(task: Task) -> dict:
    created, finished = task.created, task.finished_at
    host = task.resident_on
    error = task.error
    return {
        "ref": task.ref, "uuid": task.uuid, "name": task.name, "status": task.status,
        "progress": round(task.progress, 3),
        "created": created.isoformat() if created else None,
        "finished": finished.isoformat() if finished and task.finished else None,
        "host": host.name if host else "", "error": str(error) if error else "",
    }


def task_rows(cache) -> list[dict]:
    tasks = list(cache.objects(Task))
    tasks.sort(key=lambda t: (t.finished, -(t.created.timestamp() if t.created else 0.0),
                              t.uuid))
    return [_row(t) for t in tasks]


def task_list(opened: Opened, args: argparse.Namespace) -> int:
    rows = task_rows(opened.conn.cache)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(translate("Cli", "No tasks."))
        return 0
    print(f"{cell(translate('Cli', 'UUID'), 36)} {cell(translate('Cli', 'STATUS'), 10)} "
          f"{translate('Cli', 'DONE'):>4}  {cell(translate('Cli', 'STARTED'), 19)} "
          f"{cell(translate('Cli', 'HOST'), 16)} {translate('Cli', 'NAME')}")
    for r in rows:
        started = (r["created"] or "")[:19].replace("T", " ")
        print(f"{cell(r['uuid'], 36)} {cell(r['status'], 10)} {r['progress']:>4.0%}  "
              f"{started:<19} {cell(r['host'], 16)} {printable(r['name'])}")
    return 0


def find_task(cache, text: str) -> Task:
    for task in cache.objects(Task):
        if text in (task.ref, task.uuid):
            return task
    raise CliError(translate("Cli", "no task with the reference or uuid {text!r} on this pool "
                                    "(it may have ended and been removed)").format(text=text))


def task_wait(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    task = find_task(conn.cache, args.task)
    title = task.name or task.ref
    handle = conn.tasks.follow(task.ref, title, destroy=False)
    result = follow(handle, title)  # raises the task's failure, said in one line by run()
    if isinstance(result, str) and result.startswith("OpaqueRef:"):
        made = next((rec.get("uuid") for cls in ("VM", "VDI", "SR", "network")
                     if (rec := conn.cache.record(cls, result))), None)
        print(translate("Cli", "{title}: made {made}").format(title=printable(title),
                                                               made=made or result))
    else:
        print(translate("Cli", "{title}: done").format(title=printable(title)))
    return 0
