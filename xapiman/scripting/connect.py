"""Open the command line's connection: profile or URL, password, certificate decisions."""

from __future__ import annotations

import getpass
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from xapiman.i18n import translate
from xapiman.pools.known_hosts import KnownHosts
from xapiman.pools.profiles import Profile, ProfileStore
from xapiman.pools.secrets import PasswordStore
from xapiman.xapi.connection import Connection
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.state import Limits, RetryPolicy
from xapiman.xapi.tls import normalize_fingerprint
from xapiman.xapi.trust import CertificateQuestion, CertificateTrust


class CliError(Exception):
    """A problem to report in one line, exit status 1."""


@dataclass
class Opened:
    conn: Connection
    connect_s: float
    load_s: float
    profile: Profile | None


def password_for(args, profile: Profile | None) -> str:
    env = os.environ.get("XAPIMAN_PASSWORD")
    if env is not None:
        return env
    if args.password_file:
        try:
            return Path(args.password_file).read_text().splitlines()[0]
        except (OSError, IndexError) as exc:
            raise CliError(f"cannot read the password from {args.password_file}: {exc}") from None
    if profile is not None:
        store = PasswordStore()
        if store.available:
            saved = store.get(profile)
            if saved is not None:
                return saved
    if not sys.stdin.isatty():
        raise CliError("no password: set XAPIMAN_PASSWORD, use --password-file, or run in a "
                       "terminal to be asked")
    return getpass.getpass("Password: ")


def certificate_policy(args, *, pinned: str | None):
    """The certificate callback: accept what --fingerprint names, or a first use with
    --trust-on-first-use (printed); refuse anything else with a message saying what to do."""

    def ask(question: CertificateQuestion) -> bool:
        fp = question.certificate.fingerprint
        if args.fingerprint and _same(args.fingerprint, fp):
            return True
        if question.changed:
            print(f"xapiman-cli: the certificate of {question.address} CHANGED: pinned "
                  f"{question.previous}, now {fp}. Check the server; if it is right, run again "
                  f"with --fingerprint {fp}", file=sys.stderr)
            return False
        if args.trust_on_first_use:
            print(f"trusting {question.address} certificate {fp} "
                  f"(subject {question.certificate.subject}); remembered for the next runs",
                  file=sys.stderr)
            return True
        print(f"xapiman-cli: the certificate of {question.address} is not trusted yet: "
              f"SHA-256 {fp}; check it and run again with --fingerprint {fp} "
              "(or --trust-on-first-use)", file=sys.stderr)
        return False

    return ask


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return s.replace(":", "").strip().upper()

    return norm(a) == norm(b)


def open_connection(args) -> Opened:
    profile = None
    store = ProfileStore()
    if args.profile:
        store.load()
        profile = store.get(args.profile)
        if profile is None and store.load_error:
            raise CliError(store.load_error.replace("\n", " "))
        if profile is None:
            raise CliError(f"no profile named {args.profile!r} (see: xapiman-cli profile list)")
        url, user = profile.url, args.user or profile.user
        members: tuple[str, ...] = profile.members
    elif args.url:
        url, user, members = args.url, args.user or "root", ()
    else:
        raise CliError("say where to connect: --profile NAME, or --url URL [--user USER]")
    password = password_for(args, profile)
    endpoint = Endpoint.parse(url)
    address = endpoint.address
    expected = normalize_fingerprint(args.fingerprint) if args.fingerprint else None
    # what is trusted: --fingerprint (the server must show exactly that one), else the
    # profile's pin, or for a bare address the known-hosts file's
    known = KnownHosts() if profile is None and endpoint.tls else None
    stored = profile.pinned_fingerprint if profile is not None else \
        known.get(address) if known is not None else None
    pins: dict[str, str] = {}
    if expected or stored:
        pins[address] = expected or stored  # type: ignore[assignment]

    def remember(addr: str, fp: str) -> None:
        try:
            if profile is not None and addr == address:
                store.update(replace(profile, pinned_fingerprint=fp))
            elif known is not None:
                known.remember(addr, fp)
        except Exception as exc:  # the connection works; say the pin was not kept
            print(translate("Cli", "xapiman-cli: could not save the pinned certificate: "
                            "{error}").format(error=exc), file=sys.stderr)

    def warn(text: str) -> None:
        print(translate("Cli", "xapiman-cli: warning: {text}").format(text=text),
              file=sys.stderr)

    trust = CertificateTrust(pins, ask=certificate_policy(args, pinned=pins.get(address)),
                             on_pinned=remember, warn=warn)
    # a pool lost during the run gets the same patience as connecting to it
    retry = RetryPolicy(give_up_after=args.timeout)
    limits = Limits(answer_bytes=int(args.answer_limit * 2**20))
    conn = Connection(url, user, password, transport=args.transport, trust=trust,
                      members=members, retry=retry, limits=limits)
    started = time.perf_counter()
    try:
        conn.connect(args.timeout)
    except BaseException:
        conn.close()  # logs out a session the failure left behind, closes its sockets
        raise
    total = time.perf_counter() - started
    if expected and expected != stored and endpoint.tls:
        remember(address, expected)  # the server showed it: pin it, as --fingerprint says
    return Opened(conn, *_split_times(conn, total), profile)


def _split_times(conn: Connection, total: float) -> tuple[float, float]:
    """(connect_s, load_s): login time as the connection measured it, the rest is the load."""
    login = getattr(conn, "login_seconds", None)
    if isinstance(login, float) and 0 <= login <= total:
        return login, total - login
    return 0.0, total


def open_profile(args, name: str) -> Opened:
    """A second connection, to the pool of profile `name` (its pin, user and password as for
    `--profile`; the command's certificate options do not apply to it)."""
    fields = {**vars(args), "profile": name, "url": None, "user": None, "fingerprint": None}
    return open_connection(type(args)(**fields))
