"""Host ranking for a VM, with the reasons, on pools whose hosts differ in memory, state, CPUs,
SR access and networks (records in a real ObjectCache)."""

from __future__ import annotations

from tests.unit.test_actions_availability import GiB, Pool
from xapiman.actions.placement import VmNeeds, rank_hosts, spread
from xapiman.actions.sizes import SizeError, as_int, format_size, parse_size


def network(pool: Pool, name: str, hosts: list[str]) -> str:
    net = pool.add("network", name_label=name, PIFs=[], VIFs=[], managed=True, other_config={})
    for host in hosts:
        pif = pool.add("PIF", host=host, network=net, device="eth0")
        pool.records[net][1]["PIFs"].append(pif)
    return net


def mixed_pool() -> tuple[Pool, dict[str, str], str, str]:
    pool = Pool()
    hosts = {
        "big": pool.host("big", memory_total=128 * GiB),
        "small": pool.host("small", memory_total=8 * GiB),
        "down": pool.host("down", live=False),
        "maint": pool.host("maint", enabled=False),
        "nostorage": pool.host("nostorage"),
        "nonet": pool.host("nonet"),
        "mid": pool.host("mid", memory_total=32 * GiB),
    }
    for name in ("big", "small", "mid", "nonet", "nostorage", "maint", "down"):
        pool.records[hosts[name]][1]["cpu_info"] = {"cpu_count": "8"}
    sr = pool.sr("SAN", hosts={h: n != "nostorage" for n, h in hosts.items()})
    net = network(pool, "Production", [h for n, h in hosts.items() if n != "nonet"])
    return pool, hosts, sr, net


def test_ranking_says_why_for_every_host() -> None:
    pool, hosts, sr, net = mixed_pool()
    cache = pool.conn().cache
    ratings = rank_hosts(cache, VmNeeds(16 * GiB, 2, frozenset({sr}), frozenset({net})))
    by_name = {r.name: r for r in ratings}
    assert [r.name for r in ratings if r.suitable] == ["big", "mid"]
    assert ratings[0].name == "big" and ratings[0].recommended
    assert not by_name["mid"].recommended
    assert by_name["big"].explanation() == (
        "Recommended: 111.0 GiB of memory left after this VM; 2 vCPUs on 8 CPUs.")
    assert by_name["mid"].explanation() == (
        "Suitable: 15.0 GiB of memory left after this VM; 2 vCPUs on 8 CPUs.")
    assert by_name["small"].reasons == (
        "Not enough free memory: the VM needs 16.0 GiB, 7.0 GiB free.",)
    assert by_name["down"].reasons == ("The server is not reachable.",)
    assert by_name["maint"].reasons == ("The server is in maintenance mode.",)
    assert by_name["nostorage"].reasons == ("The server cannot reach the storage 'SAN'.",)
    assert by_name["nonet"].reasons == (
        "The server is not connected to the network 'Production'.",)
    # unsuitable hosts follow the suitable ones, by name
    assert [r.name for r in ratings[2:]] == ["down", "maint", "nonet", "nostorage", "small"]


def test_every_reason_is_given_not_only_the_first() -> None:
    pool = Pool()
    host = pool.host("tiny", enabled=False, memory_total=2 * GiB)
    pool.records[host][1]["cpu_info"] = {"cpu_count": "2"}
    sr = pool.sr("local elsewhere", hosts={host: False})
    cache = pool.conn().cache
    [rating] = rank_hosts(cache, VmNeeds(4 * GiB, 4, frozenset({sr})))
    assert rating.reasons == (
        "The server is in maintenance mode.",
        "Not enough free memory: the VM needs 4.0 GiB, 1.0 GiB free.",
        "The VM has 4 vCPUs, the server only 2 CPUs.",
        "The server cannot reach the storage 'local elsewhere'.",
    )
    assert rating.explanation().startswith("The server is in maintenance mode. Not enough")


def test_load_changes_the_order_when_known() -> None:
    pool = Pool()
    busy = pool.host("busy", memory_total=64 * GiB)
    idle = pool.host("idle", memory_total=48 * GiB)
    cache = pool.conn().cache
    needs = VmNeeds(4 * GiB)
    assert [r.name for r in rank_hosts(cache, needs)] == ["busy", "idle"]
    ranked = rank_hosts(cache, needs, load={busy: 0.9, idle: 0.1})
    assert [r.name for r in ranked] == ["idle", "busy"]
    assert ranked[0].explanation() == (
        "Recommended: 43.0 GiB of memory left after this VM; CPU load 10%.")
    assert ranked[1].load == 0.9


def test_vcpu_overcommitment_counts_against_a_host() -> None:
    pool = Pool()
    crowded = pool.host("crowded", memory_total=64 * GiB)
    quiet = pool.host("quiet", memory_total=60 * GiB)
    for ref in (crowded, quiet):
        pool.records[ref][1]["cpu_info"] = {"cpu_count": "4"}
    for n in range(6):
        vm = pool.vm(f"busy-{n}", "Running", memory=GiB // 4)
        pool.resident(vm, crowded)
    cache = pool.conn().cache
    ranked = rank_hosts(cache, VmNeeds(GiB, 2))
    assert [r.name for r in ranked] == ["quiet", "crowded"]
    assert "14 vCPUs on 4 CPUs" in ranked[1].explanation()


def test_a_batch_spreads_over_the_hosts_as_memory_is_taken() -> None:
    pool = Pool()
    a = pool.host("a", memory_total=17 * GiB)  # 16 GiB free
    b = pool.host("b", memory_total=13 * GiB)  # 12 GiB free
    cache = pool.conn().cache
    homes = spread(cache, VmNeeds(4 * GiB), 8)
    names = [h.name if h else None for h in homes]
    assert names.count("a") == 4 and names.count("b") == 3 and names[-1] is None
    assert names[:3] == ["a", "b", "a"]
    assert {a, b} == {h.ref for h in homes if h}


def test_the_running_host_keeps_its_vm_without_counting_it_twice() -> None:
    pool = Pool()
    host = pool.host("only", memory_total=5 * GiB)
    vm = pool.vm("app", "Running", memory=4 * GiB)
    pool.resident(vm, host)
    cache = pool.conn().cache
    needs = VmNeeds.of_vm(cache.record("VM", vm), cache)
    assert needs.current == host and needs.memory == 4 * GiB
    [rating] = rank_hosts(cache, needs)
    assert rating.suitable
    [moved] = rank_hosts(cache, needs, exclude_current=True)
    assert moved.reasons == ("The VM is already on this server.",)


def test_sizes_read_and_written() -> None:
    assert parse_size("4GiB") == 4 * GiB
    assert parse_size(" 512 MiB ") == 512 * 1024**2
    assert parse_size("1.5T") == int(1.5 * 1024**4)
    assert parse_size("4gb") == 4 * GiB
    assert parse_size("0") == 0
    for bad, says in (("4", "needs a unit"), ("four", "not a size"), ("4 furlongs", "not a unit"),
                      ("", "not a size"), ("-1GiB", "not a size")):
        try:
            parse_size(bad)
        except SizeError as exc:
            assert says in str(exc)
        else:
            raise AssertionError(f"{bad!r} was accepted")
    assert format_size(4 * GiB) == "4 GiB"
    assert format_size(1536 * 1024**2) == "1.5 GiB"
    assert format_size(512 * 1024**2) == "512 MiB"
    assert format_size(12) == "12 bytes"
    # numbers of records: XML-RPC sends int64 values as strings
    assert [as_int(v) for v in ("42", 42, 4.0, None, "x", True, [1])] == [42, 42, 4, 0, 0, 0, 0]
    assert as_int("", 7) == 7
