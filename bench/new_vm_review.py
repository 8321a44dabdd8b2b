"""How long the New VM wizard's check of a plan takes on a big pool, as the user types.

The wizard runs `vm_plan.review` (every check, and where each VM of the batch goes) after each
pause in typing, on the GUI thread. It must stay well under the GUI's stall target (100 ms) for
a batch of many VMs, both while the user types (the pool unchanged: the hosts' memory sums are
reused) and right after the pool changed (they are worked out again). Printed side by side:
the review for 1, 50 and 500 VMs in both cases, and the placement of the batch done the
straightforward way (ranking every host for each VM in turn) against `placement.spread` (which
rates again only the host that took the last VM).

    .venv/bin/python bench/new_vm_review.py [--hosts 64] [--vms 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xapiman.actions import placement  # noqa: E402
from xapiman.actions.vm_plan import NewVmPlan, review  # noqa: E402
from xapiman.sim.synth import generate_pool  # noqa: E402
from xapiman.xapi.cache import ObjectCache  # noqa: E402

TARGET_MS = 50.0  # half the GUI's stall target


def loaded_cache(hosts: int, vms: int) -> ObjectCache:
    db = generate_pool(hosts=hosts, vms=vms)
    cache = ObjectCache()
    cache.load({"class": cls, "operation": "add", "ref": ref, "snapshot": rec}
               for cls, table in db.tables.items() for ref, rec in table.items())
    return cache


def best_ms(fn, repeat: int, before=None) -> float:
    """The median time of `fn` (the best when run fewer than 3 times), `before()` untimed
    ahead of each run."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times) if repeat < 3 else statistics.median(times)


def one_by_one(cache, needs: placement.VmNeeds, count: int) -> list:
    """The batch placed by ranking every host for each VM (what `spread` avoids)."""
    facts = {ref: placement.HostFacts.of(ref, cache) for ref in cache.records("host")}
    out = []
    for _ in range(count):
        best = placement.recommended(placement.rank_hosts(cache, needs, facts=facts))
        out.append(best)
        if best is not None:
            facts[best.ref] = facts[best.ref].taking(needs)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=64)
    parser.add_argument("--vms", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cache = loaded_cache(args.hosts, args.vms)
    template = next(r for r, v in cache.records("VM").items()
                    if v.get("name_label") == "Debian Bookworm 12")
    plan = NewVmPlan.for_template(cache, template, name="web-{n}")
    print(f"pool: {args.hosts} hosts, {args.vms} VMs")
    missed = False
    vm = next(r for r, v in cache.records("VM").items() if not v.get("is_a_template"))

    def pool_changed() -> None:  # a new state of the cache, as after any event batch
        record = dict(cache.record("VM", vm) or {})
        record["name_description"] = f"changed {time.perf_counter()}"
        cache.apply([{"class": "vm", "operation": "mod", "ref": vm, "snapshot": record}])

    for count in (1, 50, 500):
        plan.count = count
        typing = best_ms(lambda: review(cache, plan), args.repeat)
        changed = best_ms(lambda: review(cache, plan), args.repeat, before=pool_changed)
        worst = max(typing, changed)
        verdict = "ok" if worst <= TARGET_MS else "MISSED"
        missed |= worst > TARGET_MS
        print(f"review of a plan for {count:>3} VMs: typing {typing:6.1f} ms, after a pool change"
              f" {changed:6.1f} ms  (target <= {TARGET_MS:.0f} ms)  {verdict}")
    needs = plan.needs(cache)
    plan.count = 500
    fast = best_ms(lambda: placement.spread(cache, needs, 500), args.repeat)
    slow = best_ms(lambda: one_by_one(cache, needs, 500), max(args.repeat // 2, 1))
    same = [r.ref if r else None for r in placement.spread(cache, needs, 500)] == \
        [r.ref if r else None for r in one_by_one(cache, needs, 500)]
    print(f"placing 500 VMs: spread {fast:.1f} ms, every host ranked per VM {slow:.1f} ms "
          f"({slow / max(fast, 1e-9):.0f}x); same homes: {same}")
    return 1 if missed or not same else 0


if __name__ == "__main__":
    sys.exit(main())
