"""Connection profiles: validation, the YAML file, atomic saves, and damaged files."""

from __future__ import annotations

import dataclasses
import os
import stat
import threading
from pathlib import Path

import pytest
import yaml

from xapiman import atomic
from xapiman.atomic import atomic_write_bytes
from xapiman.pools import profiles
from xapiman.pools.profiles import (
    DuplicateProfileError,
    Profile,
    ProfileError,
    ProfileNotFoundError,
    ProfileStore,
    ProfileStoreError,
    read_profiles,
)
from xapiman.pools.secrets import PasswordStore

FINGERPRINT = ":".join(["AB", "CD", "EF", "01"] * 8)


def full_profile(name: str = "production") -> Profile:
    return Profile(
        name=name,
        address="pool.example.com",
        port=8443,
        user="admin",
        use_tls=True,
        pinned_fingerprint=FINGERPRINT,
        members=["10.0.0.11", "10.0.0.12"],
        reconnect_on_start=True,
        options={"timeout": 30, "tags": ["eu", "prod"], "console": {"scale": 1.5}},
    )


def write(path: Path, text: str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path.read_bytes()


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("profiles.yaml.broken-*"))


# --- the profile itself -------------------------------------------------------------------


def test_defaults_and_derived_values() -> None:
    profile = Profile(name="lab", address="lab.example")
    assert (profile.user, profile.use_tls, profile.port) == ("root", True, None)
    assert profile.members == () and profile.options == {} and not profile.reconnect_on_start
    assert profile.url == "https://lab.example:443"
    plain = Profile(name="lab", address="http://lab.example", use_tls=False)
    assert plain.url == "http://lab.example:80"
    assert Profile(name="v6", address="[fe80::1]:8443").url == "https://[fe80::1]:8443"
    assert Profile(name="v6", address="fe80::1").host == "fe80::1"
    assert Profile(name="p", address="h.example:444").effective_port == 444


def test_fingerprint_is_normalised_to_upper_case_with_colons() -> None:
    lower = Profile(name="a", address="h", pinned_fingerprint=FINGERPRINT.lower())
    bare = Profile(name="a", address="h", pinned_fingerprint=FINGERPRINT.replace(":", ""))
    assert lower.pinned_fingerprint == bare.pinned_fingerprint == FINGERPRINT


def test_name_is_trimmed_and_profiles_are_hashable_values() -> None:
    profile = Profile(name="  lab ", address=" h ", members=["m1"])
    assert (profile.name, profile.address) == ("lab", "h")
    assert profile.members == ("m1",)
    assert profile == Profile(name="lab", address="h", members=("m1",))
    assert len({profile, full_profile()}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.port = 1  # type: ignore[misc]


@pytest.mark.parametrize("changes, field, words", [
    ({"name": ""}, "name", "must not be empty"),
    ({"name": "   "}, "name", "must not be empty"),
    ({"name": 7}, "name", "must be text"),
    ({"name": "a\nb"}, "name", "line breaks"),
    ({"address": ""}, "address", "must not be empty"),
    ({"address": "two words"}, "address", "not a valid host name"),
    ({"address": "ftp://h"}, "address", "only http:// and https://"),
    ({"address": "https://root@h"}, "address", "user field"),
    ({"address": "https://h/path"}, "address", "path"),
    ({"address": "h:99999"}, "address", "from 1 to 65535"),
    ({"address": "[fe80::1"}, "address", "closing ']'"),
    ({"address": "fe80::zz::1"}, "address", "not a valid IPv6"),
    ({"port": 0}, "port", "from 1 to 65535, got 0"),
    ({"port": 70000}, "port", "got 70000"),
    ({"port": "443"}, "port", "got '443'"),
    ({"port": True}, "port", "got true"),
    ({"address": "h:443", "port": 8443}, "port", "the address says port 443"),
    ({"user": ""}, "user", "must not be empty"),
    ({"user": None}, "user", "must be text, got nothing"),
    ({"use_tls": "yes"}, "use_tls", "true or false"),
    ({"address": "http://h"}, "use_tls", "use_tls to false"),
    ({"address": "https://h", "use_tls": False}, "use_tls", "https://"),
    ({"pinned_fingerprint": "AB:CD"}, "pinned_fingerprint", "32 hex byte pairs"),
    ({"pinned_fingerprint": "ZZ" * 32}, "pinned_fingerprint", "SHA-256"),
    ({"pinned_fingerprint": 12}, "pinned_fingerprint", "got 12"),
    ({"members": "10.0.0.1"}, "members", "list of addresses"),
    ({"members": ["ok", ""]}, "members[1]", "must not be empty"),
    ({"members": [3]}, "members[0]", "must be text"),
    ({"reconnect_on_start": 1}, "reconnect_on_start", "true or false"),
    ({"options": []}, "options", "must be a mapping"),
    ({"options": {1: "x"}}, "options", "keys must be text"),
    ({"options": {"a": {"b": object()}}}, "options.a.b", "cannot store"),
    ({"options": {"admin_password": "x"}}, "options.admin_password", "system keyring"),
])
def test_bad_fields_say_which_field_and_why(changes: dict, field: str, words: str) -> None:
    values = {"name": "lab", "address": "lab.example", **changes}
    with pytest.raises(ProfileError) as caught:
        Profile(**values)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert f"{field}:" in str(caught.value)
    if field != "name":
        assert str(caught.value).startswith("profile 'lab': ")


def test_from_dict_rejects_unknown_and_missing_keys() -> None:
    with pytest.raises(ProfileError, match="colour: is not a profile field"):
        Profile.from_dict({"name": "a", "address": "h", "colour": "red"})
    with pytest.raises(ProfileError, match="password: passwords are not kept"):
        Profile.from_dict({"name": "a", "address": "h", "password": "x"})
    with pytest.raises(ProfileError, match="address: is missing"):
        Profile.from_dict({"name": "a"})
    with pytest.raises(ProfileError, match="must be a mapping"):
        Profile.from_dict(["a"])


def test_to_dict_and_from_dict_round_trip() -> None:
    profile = full_profile()
    assert Profile.from_dict(profile.to_dict()) == profile
    assert Profile.from_dict({"name": "a", "address": "h", "members": None, "options": None}) \
        == Profile(name="a", address="h")


# --- the store ----------------------------------------------------------------------------


def test_missing_file_loads_nothing_without_error(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "config")
    assert store.load() == []
    assert store.load_error is None
    assert store.path == tmp_path / "config" / "profiles.yaml"


def test_round_trip_keeps_every_field_and_the_order(tmp_path: Path) -> None:
    saved = [full_profile("b"), Profile(name="a", address="http://10.1.1.1:8080",
                                        use_tls=False), Profile(name="v6", address="fe80::1")]
    ProfileStore(tmp_path).save(saved)
    store = ProfileStore(tmp_path)
    assert store.load() == saved
    assert store.load_error is None
    document = yaml.safe_load(store.path.read_text(encoding="utf-8"))
    assert document["version"] == 1
    assert [entry["name"] for entry in document["profiles"]] == ["b", "a", "v6"]
    assert document["profiles"][0]["pinned_fingerprint"] == FINGERPRINT


def test_file_is_private_and_its_new_folder_too(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "new" / "xapiman")
    store.add(full_profile())
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.folder.stat().st_mode) == 0o700
    os.chmod(store.path, 0o644)
    store.add(Profile(name="second", address="h"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_password_is_never_written_to_the_profile_file(tmp_path: Path) -> None:
    class Memory:
        priority = 5

        def __init__(self) -> None:
            self.items: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.items.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.items[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.items.pop((service, username))

    password = "Tr0ub4dor&3-unique-marker"
    profile = full_profile()
    keyring = Memory()
    PasswordStore(keyring).set(profile, password)
    store = ProfileStore(tmp_path)
    store.add(profile)
    text = store.path.read_bytes()
    assert password.encode() not in text
    assert b"password:" not in text
    assert "password" not in {f.name for f in dataclasses.fields(Profile)}
    assert list(keyring.items.values()) == [password]


def test_failed_replace_leaves_the_old_file_intact(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProfileStore(tmp_path)
    store.save([full_profile("old")])
    before = store.path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(ProfileStoreError, match="No space left on device.*unchanged"):
        store.save([full_profile("new")])
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # no temp file left
        ".profiles.yaml.lock", "profiles.yaml"]
    assert [p.name for p in store.profiles] == ["old"]


def test_failed_write_leaves_the_old_file_intact(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f"
    atomic_write_bytes(target, b"old")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output"):
        atomic_write_bytes(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_atomic_write_keeps_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "profiles.yaml"
    atomic_write_bytes(real, b"one")
    link = tmp_path / "profiles.yaml"
    link.symlink_to(real)
    atomic_write_bytes(link, b"two")
    assert link.is_symlink() and real.read_bytes() == b"two"


CORRUPT = """\
version: 1
profiles:
  - name: lab
    address: lab.example
    port: [443
  - name: other
    address: other.example
"""


def test_corrupt_yaml_is_kept_as_backup_and_reported_with_its_line(tmp_path: Path) -> None:
    original = write(tmp_path / "profiles.yaml", CORRUPT)
    store = ProfileStore(tmp_path)
    assert store.load() == []
    assert store.load_error is not None
    assert "profiles.yaml, line 6" in store.load_error
    assert "not valid YAML" in store.load_error
    [backup] = backups(tmp_path)
    assert backup.read_bytes() == original
    assert store.backup_path == backup
    assert str(backup) in store.load_error
    assert store.path.read_bytes() == original  # loading changes nothing
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_loading_the_same_broken_file_again_reuses_its_backup(tmp_path: Path) -> None:
    write(tmp_path / "profiles.yaml", CORRUPT)
    ProfileStore(tmp_path).load()
    ProfileStore(tmp_path).load()
    assert len(backups(tmp_path)) == 1
    write(tmp_path / "profiles.yaml", CORRUPT + "  - [\n")
    ProfileStore(tmp_path).load()
    assert len(backups(tmp_path)) == 2


def test_saving_after_a_corrupt_load_keeps_the_backup(tmp_path: Path) -> None:
    original = write(tmp_path / "profiles.yaml", CORRUPT)
    store = ProfileStore(tmp_path)
    store.load()
    store.add(Profile(name="fresh", address="fresh.example"))
    assert [p.name for p in ProfileStore(tmp_path).load()] == ["fresh"]
    [backup] = backups(tmp_path)
    assert backup.read_bytes() == original


def test_saving_over_a_file_broken_since_loading_backs_it_up_first(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.add(Profile(name="a", address="h"))
    broken = write(store.path, "version: 1\nprofiles: [\n")  # edited by hand meanwhile
    store.add(Profile(name="b", address="h"))
    [backup] = backups(tmp_path)
    assert backup.read_bytes() == broken
    assert [p.name for p in ProfileStore(tmp_path).load()] == ["a", "b"]


def test_save_without_load_backs_up_a_broken_file(tmp_path: Path) -> None:
    broken = write(tmp_path / "profiles.yaml", CORRUPT)
    ProfileStore(tmp_path).save([Profile(name="a", address="h")])
    [backup] = backups(tmp_path)
    assert backup.read_bytes() == broken


@pytest.mark.parametrize("text, line, words", [
    ("- name: a\n  address: h\n", 1, "must be a mapping with 'version' and 'profiles'"),
    ("version: 1\n\nprofiles:\n  name: a\n", 4, "'profiles' must be a list"),
    ("version: 2\nprofiles: []\n", 1, "written by a newer xapiman (schema version 2)"),
    ("# comment\nversion: one\nprofiles: []\n", 2, "version must be a whole number"),
    ("version: 1\n---\nversion: 1\n", 2, "not valid YAML"),
    ("version: 1\nprofiles: !!python/object:os.system {}\n", 2, "not valid YAML"),
])
def test_wrong_structure_loads_nothing_and_keeps_a_backup(tmp_path: Path, text: str, line: int,
                                                           words: str) -> None:
    original = write(tmp_path / "profiles.yaml", text)
    store = ProfileStore(tmp_path)
    assert store.load() == []
    assert f"line {line}" in (store.load_error or "")
    assert words in (store.load_error or "")
    assert [b.read_bytes() for b in backups(tmp_path)] == [original]


MIXED = """\
version: 1
profiles:
  - name: good-one
    address: one.example
  - name: bad-port
    address: two.example
    port: 70000
  - name: good-two
    address: three.example
    members: [10.0.0.1]
  - name: good-one
    address: duplicate.example
  - name: typo
    address: four.example
    use_tsl: false
  - just text
"""


def test_bad_entries_are_skipped_by_name_and_the_others_kept(tmp_path: Path) -> None:
    original = write(tmp_path / "profiles.yaml", MIXED)
    store = ProfileStore(tmp_path)
    loaded = store.load()
    assert [p.name for p in loaded] == ["good-one", "good-two"]
    assert loaded[0].address == "one.example"
    error = store.load_error or ""
    assert "line 5: profile 'bad-port' was skipped: port: must be a whole number from 1 to " \
           "65535, got 70000" in error
    assert "line 11: profile 'good-one' was skipped: another profile before it has the same " \
           "name" in error
    assert "line 13: profile 'typo' was skipped: use_tsl: is not a profile field" in error
    assert "line 16: profile entry 6 was skipped: must be a mapping" in error
    assert [b.read_bytes() for b in backups(tmp_path)] == [original]


def test_unknown_top_level_keys_are_reported_and_backed_up(tmp_path: Path) -> None:
    original = write(tmp_path / "profiles.yaml",
                     "version: 1\ntheme: dark\nprofiles:\n  - {name: a, address: h}\n")
    store = ProfileStore(tmp_path)
    assert [p.name for p in store.load()] == ["a"]
    assert "unknown top-level key 'theme'" in (store.load_error or "")
    assert [b.read_bytes() for b in backups(tmp_path)] == [original]


def test_empty_file_and_missing_version_are_fine(tmp_path: Path) -> None:
    assert read_profiles(b"") == read_profiles(b"# nothing yet\n") == ([], [], False)
    result = read_profiles(b"profiles:\n  - {name: a, address: h}\n")
    assert [p.name for p in result.profiles] == ["a"] and result.errors == []


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "profiles.yaml", "")
    (tmp_path / "profiles.yaml").write_bytes(b"version: 1\nprofiles: [\xff]\n")
    store = ProfileStore(tmp_path)
    assert store.load() == []
    assert "not UTF-8" in (store.load_error or "")
    assert len(backups(tmp_path)) == 1


def test_unreadable_file_is_never_overwritten(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    original = write(tmp_path / "profiles.yaml", "version: 1\nprofiles: []\n")
    real_read = Path.read_bytes

    def denied(path: Path) -> bytes:
        if path.name == "profiles.yaml":
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", denied)
    store = ProfileStore(tmp_path)
    assert store.load() == []
    assert "Permission denied" in (store.load_error or "")
    with pytest.raises(ProfileStoreError, match="will not overwrite"):
        store.add(Profile(name="a", address="h"))
    monkeypatch.undo()
    assert (tmp_path / "profiles.yaml").read_bytes() == original


def test_add_get_update_remove(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.add(Profile(name="a", address="a.example"))
    store.add(Profile(name="b", address="b.example"))
    assert store.get("a") == Profile(name="a", address="a.example")
    assert store.get("missing") is None
    store.update(Profile(name="a", address="a2.example", reconnect_on_start=True))
    store.update(Profile(name="b-renamed", address="b.example"), old_name="b")
    reread = ProfileStore(tmp_path)
    assert [(p.name, p.address) for p in reread.load()] == [("a", "a2.example"),
                                                            ("b-renamed", "b.example")]
    assert reread.remove("a").address == "a2.example"
    assert [p.name for p in ProfileStore(tmp_path).load()] == ["b-renamed"]


def test_duplicate_and_missing_names_are_refused(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.add(Profile(name="a", address="h"))
    store.add(Profile(name="b", address="h"))
    with pytest.raises(DuplicateProfileError, match="profile 'a': name: a profile with this "
                                                    "name already exists"):
        store.add(Profile(name="a", address="other"))
    with pytest.raises(DuplicateProfileError):
        store.update(Profile(name="b", address="h"), old_name="a")
    with pytest.raises(DuplicateProfileError, match="two profiles have this name"):
        store.save([Profile(name="x", address="h"), Profile(name="x", address="h")])
    with pytest.raises(ProfileNotFoundError, match="profile 'zz': there is no profile"):
        store.remove("zz")
    with pytest.raises(ProfileNotFoundError):
        store.update(Profile(name="zz", address="h"))
    assert isinstance(ProfileNotFoundError("x"), ProfileError)
    assert [p.name for p in ProfileStore(tmp_path).load()] == ["a", "b"]


def test_config_folder_comes_from_the_environment(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XAPIMAN_CONFIG_DIR", str(tmp_path / "from-env"))
    store = ProfileStore()
    assert store.path == tmp_path / "from-env" / "profiles.yaml"
    store.add(Profile(name="a", address="h"))
    assert (tmp_path / "from-env" / "profiles.yaml").is_file()
    assert ProfileStore(tmp_path / "explicit").folder == tmp_path / "explicit"


def test_default_folder_is_the_xdg_config_folder(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XAPIMAN_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert profiles.default_config_dir() == tmp_path / "xapiman"
    assert ProfileStore().path == tmp_path / "xapiman" / "profiles.yaml"


def test_changes_from_threads_and_from_other_stores_are_all_kept(tmp_path: Path) -> None:
    """The app's store (one instance, many threads) and another process's store (another
    instance) change the file at the same time: every change is kept."""
    app = ProfileStore(tmp_path)
    app.load()
    other = ProfileStore(tmp_path)
    other.load()
    start = threading.Barrier(21)

    def add(store: ProfileStore, name: str) -> None:
        start.wait(5)
        store.add(Profile(name=name, address="h"))

    threads = [threading.Thread(target=add, args=(app if i % 2 else other, f"p{i:02d}"))
               for i in range(20)]
    for thread in threads:
        thread.start()
    start.wait(5)
    for thread in threads:
        thread.join(10)
    assert sorted(p.name for p in ProfileStore(tmp_path).load()) == [f"p{i:02d}" for i in range(20)]
    app.modify("p01", lambda p: dataclasses.replace(p, members=("10.0.0.2",)))
    other.remove("p02")
    final = {p.name: p for p in ProfileStore(tmp_path).load()}
    assert "p02" not in final and final["p01"].members == ("10.0.0.2",) and len(final) == 19
