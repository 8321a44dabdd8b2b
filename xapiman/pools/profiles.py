"""Connection profiles: what the user keeps about each pool, as YAML in the config folder."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import fcntl
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import platformdirs
import yaml

from xapiman.atomic import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, atomic_write_bytes
from xapiman.i18n import translate
from xapiman.xapi import endpoints
from xapiman.xapi.endpoints import Address, AddressError

SCHEMA_VERSION = 1
FILE_NAME = "profiles.yaml"
LOCK_FILE_NAME = ".profiles.yaml.lock"  # held while the profiles change (see ProfileStore)
CONFIG_DIR_ENV = "XAPIMAN_CONFIG_DIR"
DEFAULT_USER = "root"
HTTPS_PORT = 443
HTTP_PORT = 80

_FILE_HEADER = (
    f"# xapiman connection profiles (schema version {SCHEMA_VERSION}).\n"
    "# Passwords are kept in the system keyring, never in this file.\n"
)
_FINGERPRINT_RE = re.compile(r"[0-9A-F]{2}(?::[0-9A-F]{2}){31}")
_SECRET_WORDS = ("password", "passwd", "secret")


class ProfileError(ValueError):
    """A profile, or a change to the set of profiles, is not valid; says which field and why."""

    def __init__(self, reason: str, *, field: str | None = None, profile: str | None = None):
        self.reason = reason
        self.field = field
        self.profile = profile
        parts = [f"profile {profile!r}"] if profile else []
        parts += [field] if field else []
        super().__init__(": ".join([*parts, reason]))

    def for_profile(self, name: str) -> ProfileError:
        """The same error, naming the profile it is about."""
        return type(self)(self.reason, field=self.field, profile=name)


class DuplicateProfileError(ProfileError):
    """Another profile already has this name."""


class ProfileNotFoundError(ProfileError):
    """No profile has this name."""


class ProfileStoreError(OSError):
    """The profile file could not be read or written; the message says what to do."""


@dataclass(frozen=True)
class Profile:
    """One pool connection as the user set it up. Immutable: use `dataclasses.replace`.

    `address` is a host name, an IP address, `host:port`, or an `http(s)://host[:port]` URL.
    `pinned_fingerprint` is the SHA-256 of the pool's TLS certificate (`AB:CD:...`, upper case;
    lower case or no colons are accepted and normalised). `members` are the pool member
    addresses seen last time, used for coordinator failover; a list is stored as a tuple.
    """

    name: str
    address: str
    port: int | None = None
    user: str = DEFAULT_USER
    use_tls: bool = True
    pinned_fingerprint: str | None = None
    members: tuple[str, ...] = ()
    reconnect_on_start: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        name = _check_name(self.name)
        try:
            self._validate_fields()
        except ProfileError as exc:
            raise exc.for_profile(name) from None
        object.__setattr__(self, "name", name)

    def __hash__(self) -> int:
        return hash(self.name)

    def _validate_fields(self) -> None:
        put = object.__setattr__
        put(self, "address", _check_text(self.address, "address").strip())
        endpoint = parse_address(self.address)
        _check_port(self.port, "port")
        _check_text(self.user, "user")
        _check_bool(self.use_tls, "use_tls")
        _check_bool(self.reconnect_on_start, "reconnect_on_start")
        _check_consistent(endpoint, self.port, self.use_tls)
        put(self, "pinned_fingerprint", _normalise_fingerprint(self.pinned_fingerprint))
        put(self, "members", _check_members(self.members))
        put(self, "options", _check_options(self.options))

    @property
    def endpoint(self) -> Address:
        """The parts of `address`."""
        return parse_address(self.address)

    @property
    def host(self) -> str:
        """The host name or IP address (an IPv6 address without brackets)."""
        return self.endpoint.host

    @property
    def scheme(self) -> str:
        """`https`, or `http` when the profile turns TLS off."""
        return "https" if self.use_tls else "http"

    @property
    def effective_port(self) -> int:
        """The port to connect to: `port`, else the one in `address`, else 443 (80 without TLS)."""
        default = HTTPS_PORT if self.use_tls else HTTP_PORT
        return self.port or self.endpoint.port or default

    @property
    def url(self) -> str:
        """The pool's base URL, e.g. `https://pool.example:443`."""
        return f"{self.scheme}://{format_host(self.host)}:{self.effective_port}"

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain data for YAML (every field, in a fixed order)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["members"] = list(self.members)
        data["options"] = _check_options(self.options)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Profile:
        """Build a profile from plain data (one YAML entry); raises ProfileError."""
        if not isinstance(data, Mapping):
            raise ProfileError(f"must be a mapping of fields, got {_kind(data)}")
        label = data.get("name") if isinstance(data.get("name"), str) else None
        for key in ("name", "address"):
            if key not in data:
                raise ProfileError("is missing", field=key, profile=label)
        known = {f.name for f in dataclasses.fields(cls)}
        for key in data:
            if key not in known:
                raise ProfileError(_unknown_key_reason(key), field=str(key), profile=label)
        values = dict(data)
        members = values.get("members")
        if members is not None and not isinstance(members, list):
            raise ProfileError(f"must be a list of addresses, got {_kind(members)}",
                               field="members", profile=label)
        values["members"] = tuple(members or ())
        if values.get("options") is None:
            values["options"] = {}
        return cls(**values)


def format_host(host: str) -> str:
    """A host ready to put in a URL: an IPv6 address gets its brackets."""
    return f"[{host}]" if ":" in host else host


def parse_address(address: str) -> Address:
    """Split a host, `host:port`, `[v6]:port` or `http(s)://` URL; raises ProfileError (the
    address parser of xapiman.xapi.endpoints, with the error on the profile's field)."""
    if endpoints.has_credentials(address):
        raise ProfileError(translate(
            "Profiles", "the address must not contain a user name or password: put the user "
            "name in the user field; the password is asked for and kept in the system keyring"),
            field="address")
    try:
        return endpoints.parse_address(address)
    except AddressError as exc:
        raise ProfileError(str(exc), field="address") from None


def _kind(value: Any) -> str:
    """How to show a wrong value in an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a value of type {type(value).__name__}"


def _unknown_key_reason(key: object) -> str:
    if isinstance(key, str) and any(word in key.lower() for word in _SECRET_WORDS):
        return "passwords are not kept in the profile file; xapiman keeps them in the system keyring"
    return "is not a profile field (check the spelling)"


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise ProfileError(f"must be text, got {_kind(name)}", field="name")
    stripped = name.strip()
    if not stripped:
        raise ProfileError("must not be empty", field="name")
    if any(not ch.isprintable() for ch in stripped):
        raise ProfileError("must not contain line breaks or control characters", field="name")
    return stripped


def _check_text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ProfileError(f"must be text, got {_kind(value)}", field=where)
    if not value.strip():
        raise ProfileError("must not be empty", field=where)
    if any(not ch.isprintable() for ch in value):
        raise ProfileError("must not contain line breaks or control characters", field=where)
    return value


def _check_port(port: Any, where: str) -> None:
    if port is None:
        return
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ProfileError(f"must be a whole number from 1 to 65535, got {_kind(port)}",
                           field=where)


def _check_bool(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise ProfileError(f"must be true or false, got {_kind(value)}", field=where)


def _check_consistent(endpoint: Address, port: int | None, use_tls: bool) -> None:
    if port is not None and endpoint.port is not None and port != endpoint.port:
        raise ProfileError(f"is {port} but the address says port {endpoint.port}; keep only one",
                           field="port")
    if endpoint.scheme == "http" and use_tls:
        raise ProfileError("is true but the address starts with http://; set use_tls to false "
                           "to connect without TLS, or use an https:// address", field="use_tls")
    if endpoint.scheme == "https" and not use_tls:
        raise ProfileError("is false but the address starts with https://", field="use_tls")


def _normalise_fingerprint(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().upper()
        if re.fullmatch(r"[0-9A-F]{64}", text):
            text = ":".join(text[i:i + 2] for i in range(0, 64, 2))
        if _FINGERPRINT_RE.fullmatch(text):
            return text
    raise ProfileError(
        "must be a SHA-256 fingerprint: 32 hex byte pairs separated by colons "
        f"(AB:CD:...), got {_kind(value)}", field="pinned_fingerprint")


def _check_members(members: Any) -> tuple[str, ...]:
    if not isinstance(members, (list, tuple)):
        raise ProfileError(f"must be a list of addresses, got {_kind(members)}", field="members")
    for index, member in enumerate(members):
        where = f"members[{index}]"
        _check_text(member, where)
        if member != member.strip() or any(ch.isspace() for ch in member):
            raise ProfileError(f"must be an address without spaces, got {member!r}", field=where)
    return tuple(members)


def _check_options(options: Any) -> dict[str, Any]:
    if not isinstance(options, dict):
        raise ProfileError(f"must be a mapping, got {_kind(options)}", field="options")
    return _plain_copy(options, "options")


def _plain_copy(value: Any, where: str) -> Any:
    """A copy of `value` made only of what YAML stores plainly; raises ProfileError otherwise."""
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ProfileError(f"keys must be text, got {_kind(key)}", field=where)
            if any(word in key.lower() for word in _SECRET_WORDS):
                raise ProfileError("passwords and secrets belong in the system keyring, "
                                   "not in the profile file", field=f"{where}.{key}")
            copy[key] = _plain_copy(item, f"{where}.{key}")
        return copy
    if isinstance(value, (list, tuple)):
        return [_plain_copy(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, (str, int, float, bool, datetime.date)) or value is None:
        return value
    raise ProfileError(f"cannot store a value of type {type(value).__name__}", field=where)


class LoadResult(NamedTuple):
    """What reading a profile file gave: the good profiles, and one message per problem."""

    profiles: list[Profile]
    errors: list[str]
    fatal: bool = False


def read_profiles(data: bytes, source: str = FILE_NAME) -> LoadResult:
    """Parse the bytes of a profile file; never raises for bad content."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fatal(f"{source}: the file is not UTF-8 text (bad byte at offset {exc.start})")
    try:
        refused = _refused_structure(text, source)
        if refused is not None:
            return _fatal(refused)
        root, document = _compose(text)
    except yaml.MarkedYAMLError as exc:
        return _fatal(_yaml_error_text(exc, source))
    except yaml.YAMLError as exc:
        return _fatal(f"{source}: not valid YAML: {exc}")
    if root is None:
        return LoadResult([], [])
    if not isinstance(root, yaml.MappingNode) or not isinstance(document, dict):
        return _fatal(f"{source}, line {_line(root)}: the file must be a mapping with 'version' "
                      f"and 'profiles' keys, not {_kind(document)}")
    return _read_document(document, _value_nodes(root), source)


MAX_DEPTH = 16  # a profile file is a few levels deep; far deeper is a mistake or an attack


def _refused_structure(text: str, source: str) -> str | None:
    """Why the YAML text is refused before anything is built from it (None: it is not):
    an alias (`*name`, which can make a small file expand without end) or nesting far
    deeper than a profile file has."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            return translate(
                "Profiles", "{source}, line {line}: the alias *{name} is not accepted: write "
                "each value out in full (aliases can make a small file expand without "
                "end)").format(source=source, line=_event_line(event), name=event.anchor)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return translate(
                    "Profiles", "{source}, line {line}: values are nested more than {depth} "
                    "levels deep").format(source=source, line=_event_line(event),
                                          depth=MAX_DEPTH)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _event_line(event: yaml.Event) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 1


def _compose(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the plain data of a one-document YAML text."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, document


def _value_nodes(root: yaml.MappingNode) -> dict[str, yaml.Node]:
    return {key.value: value for key, value in root.value if isinstance(key, yaml.ScalarNode)}


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _fatal(message: str) -> LoadResult:
    return LoadResult([], [message], fatal=True)


def _yaml_error_text(exc: yaml.MarkedYAMLError, source: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = exc.problem or exc.context or "unreadable content"
    context = f" ({exc.context})" if exc.context and exc.problem else ""
    return f"{source}{where}: not valid YAML: {problem}{context}"


def _read_document(document: dict[Any, Any], nodes: dict[str, yaml.Node],
                   source: str) -> LoadResult:
    version = document.get("version", SCHEMA_VERSION)
    version_line = _line(nodes["version"]) if "version" in nodes else 1
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return _fatal(f"{source}, line {version_line}: version must be a whole number from 1, "
                      f"got {_kind(version)}")
    if version > SCHEMA_VERSION:
        return _fatal(f"{source}, line {version_line}: this file was written by a newer xapiman "
                      f"(schema version {version}); this one reads version {SCHEMA_VERSION}")
    errors = [f"{source}: unknown top-level key {key!r} (ignored; only 'version' and 'profiles' "
              "are read)" for key in document if key not in ("version", "profiles")]
    entries = document.get("profiles")
    if entries is None:
        return LoadResult([], errors)
    entries_node = nodes["profiles"]
    if not isinstance(entries, list) or not isinstance(entries_node, yaml.SequenceNode):
        return _fatal(f"{source}, line {_line(entries_node)}: 'profiles' must be a list, "
                      f"not {_kind(entries)}")
    item_nodes = entries_node.value
    profiles, entry_errors = _read_entries(entries, item_nodes, source)
    return LoadResult(profiles, errors + entry_errors)


def _read_entries(entries: list[Any], nodes: list[yaml.Node],
                  source: str) -> tuple[list[Profile], list[str]]:
    profiles: dict[str, Profile] = {}
    errors = []
    for index, (entry, node) in enumerate(zip(entries, nodes, strict=True), start=1):
        where = f"{source}, line {_line(node)}"
        label = _entry_label(entry, index)
        try:
            profile = Profile.from_dict(entry)
        except ProfileError as exc:
            reason = f"{exc.field}: {exc.reason}" if exc.field else exc.reason
            errors.append(f"{where}: {label} was skipped: {reason}")
            continue
        if profile.name in profiles:
            errors.append(f"{where}: {label} was skipped: another profile before it has the "
                          "same name")
            continue
        profiles[profile.name] = profile
    return list(profiles.values()), errors


def _entry_label(entry: Any, index: int) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    if isinstance(name, str) and name.strip():
        return f"profile {name.strip()!r}"
    return f"profile entry {index}"


def dump_profiles(profiles: Iterable[Profile]) -> str:
    """The YAML text of a profile file holding `profiles`."""
    document = {"version": SCHEMA_VERSION, "profiles": [p.to_dict() for p in profiles]}
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True,
                          default_flow_style=False)
    return _FILE_HEADER + body


def default_config_dir() -> Path:
    """`$XAPIMAN_CONFIG_DIR` when set, else the XDG config folder (~/.config/xapiman)."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir("xapiman"))


class ProfileStore:
    """The profiles file (`profiles.yaml`) in a folder: load, change and save atomically.

    Loading never raises for bad content: the good profiles are returned, `load_error`
    explains the rest, and a copy of the file as it was is kept next to it (`backup_path`)
    before anything can overwrite it. Saving raises ProfileStoreError when the file cannot be
    written, or when it could not be read or backed up (so that nothing is lost).

    Every change (`add`, `update`, `modify`, `remove`, `save`) holds a lock, across the
    threads of this process and across processes (a lock file beside the profiles), and reads
    the file again first: a change made meanwhile by another thread, the app or another
    `xapiman-cli` is kept, never overwritten by an older copy.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_config_dir()
        self.path = self.folder / FILE_NAME
        self.lock_path = self.folder / LOCK_FILE_NAME
        self.load_error: str | None = None
        self.backup_path: Path | None = None
        self._profiles: dict[str, Profile] | None = None
        self._known_bytes: bytes | None = None
        self._save_blocked: str | None = None
        self._thread_lock = threading.RLock()

    @property
    def profiles(self) -> list[Profile]:
        """The current profiles, in file order (loads the file on first use)."""
        return list(self._current().values())

    def load(self) -> list[Profile]:
        """Read the file again; returns the good profiles (none when the file is absent)."""
        self.load_error = None
        self.backup_path = None
        self._save_blocked = None
        self._profiles = {}
        raw = self._read_current()
        if raw is None:
            self._known_bytes = None
            return []
        result = read_profiles(raw, str(self.path))
        self._known_bytes = raw
        self._profiles = {profile.name: profile for profile in result.profiles}
        if result.errors:
            self._report(result, raw)
        return list(self._profiles.values())

    def save(self, profiles: Iterable[Profile]) -> None:
        """Replace the stored profiles with `profiles`, atomically, readable by the owner only
        (whatever the file holds now: to change one profile, use the methods below)."""
        indexed = _index(profiles)
        with self._locked():
            self._write(indexed)

    def _write(self, indexed: dict[str, Profile]) -> None:
        if self._save_blocked:
            raise ProfileStoreError(self._save_blocked)
        self._protect_unknown_content()
        text = dump_profiles(indexed.values()).encode("utf-8")
        try:
            atomic_write_bytes(self.path, text)
        except OSError as exc:
            raise ProfileStoreError(
                f"Could not save the profiles to {self.path}: {exc.strerror or exc}. "
                "The previous file is unchanged.") from exc
        self._profiles = indexed
        self._known_bytes = text

    def get(self, name: str) -> Profile | None:
        """The profile called `name`, or None."""
        return self._current().get(name)

    def add(self, profile: Profile) -> None:
        """Add a new profile and save; DuplicateProfileError when the name is taken."""
        with self._locked():
            current = self._fresh()
            if profile.name in current:
                raise DuplicateProfileError("a profile with this name already exists",
                                            field="name", profile=profile.name)
            self._write(_index([*current.values(), profile]))

    def update(self, profile: Profile, *, old_name: str | None = None) -> None:
        """Replace the profile of the same name (or `old_name`, to rename it) and save."""
        with self._locked():
            current = self._fresh()
            key = profile.name if old_name is None else old_name
            if key not in current:
                raise ProfileNotFoundError("there is no profile with this name", profile=key)
            if profile.name != key and profile.name in current:
                raise DuplicateProfileError("a profile with this name already exists",
                                            field="name", profile=profile.name)
            self._write(_index(profile if name == key else other
                               for name, other in current.items()))

    def modify(self, name: str, change: Callable[[Profile], Profile]) -> Profile | None:
        """Change the profile called `name` as it is in the file now: `change(profile)` gives
        the new one (same name). Saves only when it differs; returns it (None: no such
        profile, nothing saved)."""
        with self._locked():
            current = self._fresh()
            old = current.get(name)
            if old is None:
                return None
            new = change(old)
            if new.name != name:
                raise ProfileError("modify() cannot rename a profile", profile=name)
            if new != old:
                self._write(_index(new if key == name else other
                                   for key, other in current.items()))
            return new

    def remove(self, name: str) -> Profile:
        """Remove the profile called `name`, save, and return it; ProfileNotFoundError if absent."""
        with self._locked():
            current = self._fresh()
            if name not in current:
                raise ProfileNotFoundError("there is no profile with this name", profile=name)
            self._write(_index(other for key, other in current.items() if key != name))
            return current[name]

    def _current(self) -> dict[str, Profile]:
        if self._profiles is None:
            self.load()
        assert self._profiles is not None
        return self._profiles

    def _fresh(self) -> dict[str, Profile]:
        """The profiles as the file holds them now (read again when it changed)."""
        raw: object
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raw = None
        except OSError:
            raw = OSError  # unreadable: load() says so, and saving stays blocked
        if self._profiles is None or raw != self._known_bytes:
            before = self._profiles
            self.load()
            if before and not self._profiles and self.load_error:
                # damaged by hand since we read it, nothing readable left: keep what we had
                # (the damaged file is kept aside before it is replaced)
                self._profiles = dict(before)
        return self._current()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold this store's change lock: this process's threads, then other processes."""
        with self._thread_lock:
            try:
                self.folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
                fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                             PRIVATE_FILE_MODE)
            except OSError as exc:
                raise ProfileStoreError(
                    f"Could not lock {self.lock_path} to change the profiles: "
                    f"{exc.strerror or exc}. Nothing was changed.") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # releases the lock

    def _read_current(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._save_blocked = (
                f"Could not read {self.path} ({exc.strerror or exc}); xapiman will not "
                "overwrite it. Fix its permissions, then restart xapiman.")
            self.load_error = f"{self._save_blocked} No profiles were loaded."
            return None

    def _report(self, result: LoadResult, raw: bytes) -> None:
        lines = list(result.errors)
        if result.fatal:
            lines.append("No profiles were loaded from this file.")
        try:
            self.backup_path = self._keep_backup(raw)
        except OSError as exc:
            self._save_blocked = (
                f"Could not keep a copy of the damaged {self.path} ({exc.strerror or exc}); "
                "xapiman will not overwrite it until it can.")
            lines.append(self._save_blocked)
        else:
            lines.append(f"The file as it was is kept in {self.backup_path}.")
        self.load_error = "\n".join(lines)

    def _keep_backup(self, raw: bytes) -> Path:
        """A copy of `raw` next to the file; an identical earlier copy is reused."""
        pattern = f"{self.path.name}.broken-*"
        for existing in sorted(self.folder.glob(pattern)):
            if existing.is_file() and existing.read_bytes() == raw:
                return existing
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        candidate = self.folder / f"{self.path.name}.broken-{stamp}"
        suffix = 2
        while candidate.exists():
            candidate = self.folder / f"{self.path.name}.broken-{stamp}-{suffix}"
            suffix += 1
        atomic_write_bytes(candidate, raw)
        return candidate

    def _protect_unknown_content(self) -> None:
        """Before overwriting content this store has not read, back it up if it is damaged."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise ProfileStoreError(
                f"Could not read {self.path} before replacing it ({exc.strerror or exc}); "
                "it was left unchanged.") from exc
        if raw == self._known_bytes or not read_profiles(raw).errors:
            return
        try:
            self.backup_path = self._keep_backup(raw)
        except OSError as exc:
            raise ProfileStoreError(
                f"Could not keep a copy of the damaged {self.path} ({exc.strerror or exc}); "
                "it was left unchanged.") from exc


def _index(profiles: Iterable[Profile]) -> dict[str, Profile]:
    indexed: dict[str, Profile] = {}
    for profile in profiles:
        if not isinstance(profile, Profile):
            raise TypeError(f"expected a Profile, got {type(profile).__name__}")
        if profile.name in indexed:
            raise DuplicateProfileError("two profiles have this name", field="name",
                                        profile=profile.name)
        indexed[profile.name] = profile
    return indexed
