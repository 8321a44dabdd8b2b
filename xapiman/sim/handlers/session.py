"""session.*: login and logout."""

from __future__ import annotations

from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.rbac import login_subject
from xapiman.sim.handlers.registry import handler


@handler("session", "login_with_password")
def login_with_password(call: Call, uname: str, pwd: str, version: str = "1.1",
                        originator: str = "") -> str:
    sim = call.sim
    if call.host != sim.coordinator:
        raise Failure("HOST_IS_SLAVE", sim.db.get(sim.coordinator, "host")["address"])
    return sim.sessions.login(uname, pwd, originator, call.host,
                              subject=lambda name: login_subject(call, name))


@handler("session", "slave_local_login_with_password")
def slave_local_login(call: Call, uname: str, pwd: str) -> str:
    return call.sim.sessions.login(uname, pwd, "", call.host)


@handler("session", "logout", "local_logout")
def logout(call: Call) -> None:
    call.sim.sessions.logout(call.session)


@handler("session", "change_password")
def change_password(call: Call, old_pwd: str, new_pwd: str) -> None:
    config = call.sim.config
    if old_pwd != config.password:
        raise Failure("SESSION_AUTHENTICATION_FAILED", config.user, "Authentication failure")
    config.password = new_pwd


@handler("session", "get_all_subject_identifiers")
def get_all_subject_identifiers(call: Call) -> list[str]:
    return sorted({rec["auth_user_sid"] for rec in call.db.all("session").values()} - {""})
