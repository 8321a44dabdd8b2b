"""The command tree of `xapiman-cli`: groups (vm, profile, ...) and the verbs under them.

A verb is an argparse parser with the function that runs it. Verbs that talk to a pool take the
opened connection (`Opened`) and the parsed arguments; the others take only the arguments.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xapiman.scripting.connect import Opened

OnlineRun = Callable[["Opened", argparse.Namespace], int]
OfflineRun = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Verb:
    run: OnlineRun | OfflineRun
    online: bool


class CommandTree:
    """Hands out the top-level subparsers and one subparsers object per group."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser
        self._top = parser.add_subparsers(dest="command", metavar="COMMAND")
        self._groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}
        self._group_parsers: dict[str, argparse.ArgumentParser] = {}

    def group(self, name: str, help: str) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        """The subparsers of group `name` (`vm`, `profile`, ...), made on first use."""
        if name not in self._groups:
            p = self._top.add_parser(name, help=help)
            p.set_defaults(verb=None, group_parser=p)
            self._group_parsers[name] = p
            self._groups[name] = p.add_subparsers(dest=f"{name}_command",
                                                  metavar=f"{name.upper()}_COMMAND")
        return self._groups[name]

    def verb(
        self,
        where: argparse._SubParsersAction[argparse.ArgumentParser] | None,
        name: str,
        help: str,
        run: OnlineRun | OfflineRun,
        *,
        online: bool = True,
    ) -> argparse.ArgumentParser:
        """A verb under a group (`where`), or at the top level when `where` is None."""
        parent = self._top if where is None else where
        p = parent.add_parser(name, help=help, description=help)
        p.set_defaults(verb=Verb(run, online))
        return p


def register_all(tree: CommandTree) -> None:
    """Let every module of `xapiman.scripting.verbs` add its verbs, in name order."""
    import xapiman.scripting.verbs as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        module.register(tree)
