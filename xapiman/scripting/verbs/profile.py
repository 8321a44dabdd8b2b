"""`xapiman-cli profile list|add|remove`: the saved connection profiles."""

from __future__ import annotations

import argparse
import sys

from xapiman.pools.profiles import Profile, ProfileStore, parse_address
from xapiman.pools.secrets import PasswordStore, SecretStoreError
from xapiman.scripting.connect import CliError, password_for
from xapiman.scripting.tree import CommandTree


def register(tree: CommandTree) -> None:
    group = tree.group("profile", "list, add and remove connection profiles")
    tree.verb(group, "list", "list the saved profiles", profile_list, online=False)
    add = tree.verb(group, "add", "save a connection profile", profile_add, online=False)
    add.add_argument("name", help="the profile's name")
    add.add_argument("address", help="host, host:port or URL")
    add.add_argument("--profile-user", dest="profile_user", default="root", metavar="USER",
                     help="the user to log in as (default root)")
    add.add_argument("--plain-http", action="store_true", help="no TLS (labs only)")
    add.add_argument("--save-password", action="store_true",
                     help="store the password ($XAPIMAN_PASSWORD or a prompt) in the keyring")
    remove = tree.verb(group, "remove", "delete a connection profile", profile_remove,
                       online=False)
    remove.add_argument("name", help="the profile's name")


def _store(report: bool = True) -> tuple[ProfileStore, list[Profile]]:
    store = ProfileStore()
    profiles = store.load()
    if report:
        _report(store)
    return store, profiles


def _report(store: ProfileStore) -> None:
    """What was wrong with the file (after a change that worked: a failed one says it)."""
    for line in (store.load_error or "").splitlines():
        print(f"xapiman-cli: {line}", file=sys.stderr)


def profile_list(args: argparse.Namespace) -> int:
    _, profiles = _store()
    for p in profiles:
        pin = p.pinned_fingerprint or "not pinned yet"
        print(f"{p.name}\t{p.url}\tuser={p.user}\tcertificate={pin}")
    return 0


def profile_add(args: argparse.Namespace) -> int:
    scheme = parse_address(args.address).scheme  # first: refuses a password in the address
    if "://" not in args.address:
        scheme = ""  # a host name or address alone: --plain-http decides
    if scheme == "http" and not args.plain_http:
        raise CliError("the address starts with http:// (no TLS): add --plain-http to connect "
                       "without TLS, or give an https:// address")
    if scheme == "https" and args.plain_http:
        raise CliError("--plain-http connects without TLS, but the address starts with "
                       "https://: leave out --plain-http, or give an http:// address")
    store, _ = _store(report=False)
    profile = Profile(args.name, args.address, user=args.profile_user,
                      use_tls=not args.plain_http)
    password = password_for(args, None) if args.save_password else None
    store.add(profile)
    _report(store)
    if password is not None:
        try:
            PasswordStore().set(profile, password)
        except SecretStoreError as exc:  # saves nothing: the profile goes again
            store.remove(profile.name)
            raise CliError(f"profile {profile.name} not added: the password cannot be saved "
                           f"({exc}); add it without --save-password to be asked each "
                           f"time") from None
        print(f"added profile {profile.name} ({profile.url}), its password in the keyring")
        return 0
    print(f"added profile {profile.name} ({profile.url})")
    return 0


def profile_remove(args: argparse.Namespace) -> int:
    store, _ = _store(report=False)
    removed = store.remove(args.name)
    _report(store)
    try:
        PasswordStore().delete(removed)
    except SecretStoreError:
        pass
    print(f"removed profile {removed.name}")
    return 0
