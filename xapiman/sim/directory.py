"""The directory a simulated pool joins with external authentication (Active Directory).

A small domain of users and groups, the same for every pool: once
`pool.enable_external_auth(..., "AD")` has joined the pool to a domain (any name; the NetBIOS
name is its first label in capitals, CORP for corp.example.com), its users log in with the
simulator's password, as `CORP\\bob`, `bob@corp.example.com` or `bob`. What xapi's AD plugin
answers about a subject (its `subject-*` keys) comes from here.
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAIN_SID = "S-1-5-21-3143813738-3543264498-2217245291"


@dataclass(frozen=True)
class Entry:
    """A user or a group of the directory."""

    name: str  # the account name, without the domain
    full_name: str
    rid: int
    is_group: bool = False
    groups: tuple[str, ...] = ()  # names of the groups a user belongs to

    @property
    def sid(self) -> str:
        return f"{DOMAIN_SID}-{self.rid}"


ENTRIES: tuple[Entry, ...] = (
    Entry("Domain Admins", "Domain Admins", 512, is_group=True),
    Entry("XenServer Operators", "XenServer Operators", 1120, is_group=True),
    Entry("Developers", "Developers", 1121, is_group=True),
    Entry("alice", "Alice Martin", 1104, groups=("Domain Admins",)),
    Entry("bob", "Bob Chen", 1105, groups=("XenServer Operators",)),
    Entry("carol", "Carol Diaz", 1106),
    Entry("dave", "Dave Okafor", 1107, groups=("Developers",)),
    Entry("erin", "Erin Walsh", 1108, groups=("Developers", "XenServer Operators")),
)
_BY_SID = {e.sid: e for e in ENTRIES}


def netbios(domain: str) -> str:
    return (domain.split(".")[0] or "DOMAIN").upper()


def find(domain: str, name: str) -> Entry | None:
    """The entry a user name designates: `DOMAIN\\name`, `name@domain` or `name`."""
    account = name
    if "\\" in name:
        prefix, _, account = name.partition("\\")
        if prefix.upper() != netbios(domain):
            return None
    elif "@" in name:
        account, _, suffix = name.partition("@")
        if suffix.lower() != domain.lower():
            return None
    return next((e for e in ENTRIES if e.name.lower() == account.lower()), None)


def by_sid(sid: str) -> Entry | None:
    return _BY_SID.get(sid)


def subject_information(domain: str, entry: Entry) -> dict[str, str]:
    """What xapi's AD plugin reports about a subject (subject.other_config)."""
    return {
        "subject-name": f"{netbios(domain)}\\{entry.name}",
        "subject-upn": f"{entry.name}@{domain}",
        "subject-uid": str(entry.rid + 1000000),
        "subject-gid": str((512 if entry.is_group else 513) + 1000000),
        "subject-sid": entry.sid,
        "subject-gecos": entry.full_name,
        "subject-displayname": entry.full_name,
        "subject-is-group": "true" if entry.is_group else "false",
        "subject-account-disabled": "false",
        "subject-account-expired": "false",
        "subject-account-locked": "false",
        "subject-password-expired": "false",
    }


def group_sids(entry: Entry) -> list[str]:
    """The SIDs of the groups a user belongs to."""
    return [e.sid for e in ENTRIES if e.is_group and e.name in entry.groups]
