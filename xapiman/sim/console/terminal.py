"""The text side of a simulated console: the character grid and the login/shell dialogue.

``TextGrid`` is a rows x cols array of characters with a cursor that writes, wraps, scrolls
and erases, and remembers which rows it touched.  ``LoginShell`` is the line discipline on top
of it: ``login:``, ``Password:`` without echo, then a tiny shell whose prompt ends with ``$ ``.
Nothing here knows about pixels, locks or time (see ``screen.py``).
"""

from __future__ import annotations

import re

MAX_INPUT = 255


def hostname_from(title: str) -> str:
    """A plausible host name for a VM or host title ("Web server 01" -> "web-server-01")."""
    name = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:63]
    return name or "localhost"


def vm_boot_lines(hostname: str) -> list[str]:
    """What a Linux HVM guest prints on its VGA console while booting."""
    return [
        "[    0.000000] Linux version 6.1.0-18-amd64 (gcc-12) #1 SMP Debian 6.1.76-1",
        "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/xvda1 ro quiet",
        "[    0.000000] DMI: Xen HVM domU, BIOS 4.17 01/01/2024",
        "[    0.000000] Hypervisor detected: Xen HVM",
        "[    1.214301] xen_netfront: Initialising Xen virtual ethernet driver",
        "[    1.530112]  xvda: xvda1 xvda2 < xvda5 >",
        "[  OK  ] Started systemd-journald.service - Journal Service.",
        "[  OK  ] Reached target network.target - Network.",
        "[  OK  ] Started xe-linux-distribution.service - Xen guest agent.",
        "[  OK  ] Started getty@tty1.service - Getty on tty1.",
        "[  OK  ] Reached target multi-user.target - Multi-User System.",
        "",
        f"Debian GNU/Linux 12 {hostname} tty1",
        "",
    ]


def host_boot_lines(hostname: str, title: str, product: str) -> list[str]:
    """The status banner of a host's (dom0's) console."""
    rule = "-" * 78
    return [
        f"{product} (xapiman simulator)",
        rule,
        f"  Host name ............ {hostname}",
        f"  Pool member .......... {title}",
        "  Management network ... xenbr0",
        "  Toolstack ............ xapi running",
        rule,
        "",
        "Kernel 4.19.0+1 on an x86_64",
        "",
    ]


class TextGrid:
    """Characters on a rows x cols screen, a cursor, and the set of rows changed since asked."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.cells = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0
        self.touched: set[int] = set(range(rows))

    def cursor(self) -> tuple[int, int]:
        """Where the cursor is drawn (a pending wrap shows on the last column)."""
        return (self.row, min(self.col, self.cols - 1))

    def take_touched(self) -> set[int]:
        """The rows changed since the last call."""
        touched, self.touched = self.touched, set()
        return touched

    def lines(self) -> list[str]:
        """One string per row, trailing blanks stripped."""
        return ["".join(row).rstrip() for row in self.cells]

    def write(self, text: str) -> None:
        """Print text at the cursor: "\\n" starts a new line, long lines wrap, the screen scrolls."""
        for char in text:
            if char == "\n":
                self.newline()
                continue
            if self.col >= self.cols:
                self.newline()
            self.cells[self.row][self.col] = char if " " <= char <= "~" else "?"
            self.touched.add(self.row)
            self.col += 1

    def newline(self) -> None:
        """Move to the start of the next line, scrolling at the bottom."""
        self.touched.add(self.row)
        self.col = 0
        if self.row + 1 < self.rows:
            self.row += 1
            return
        self.cells.pop(0)
        self.cells.append([" "] * self.cols)
        self.touched.update(range(self.rows))

    def erase_back(self) -> None:
        """Move the cursor one cell back (across a wrap) and blank that cell."""
        if self.col == 0:
            if self.row == 0:
                return  # the start of the line has scrolled away
            self.row, self.col = self.row - 1, self.cols
        self.col -= 1
        self.cells[self.row][self.col] = " "
        self.touched.add(self.row)

    def clear(self) -> None:
        """Blank the screen and home the cursor."""
        self.cells = [[" "] * self.cols for _ in range(self.rows)]
        self.row = self.col = 0
        self.touched.update(range(self.rows))

    def resized(self, cols: int, rows: int) -> TextGrid:
        """A grid of another size holding this text (the rows up to the cursor's stay)."""
        grid = TextGrid(cols, rows)
        first = max(0, self.row - rows + 1)
        for index, line in enumerate(self.cells[first : first + rows]):
            grid.cells[index][: min(cols, len(line))] = line[:cols]
        grid.row, grid.col = self.row - first, min(self.col, cols)
        return grid


class LoginShell:
    """The getty/login/shell dialogue that typed characters drive on a ``TextGrid``."""

    def __init__(self, hostname: str, kind: str, issue: list[str]) -> None:
        self.hostname, self.kind, self.issue = hostname, kind, issue
        self.mode = "boot"  # then "login", "password", "shell"
        self.user = ""
        self.input: list[str] = []

    def start(self, grid: TextGrid) -> None:
        """Booting is over: show the first login prompt."""
        self._prompt_login(grid)

    def type(self, grid: TextGrid, char: str) -> None:
        """A printable character typed on the prompt line (echoed unless it is a password)."""
        if self.mode == "boot" or len(self.input) >= MAX_INPUT:
            return
        self.input.append(char)
        if self.mode != "password":
            grid.write(char)

    def backspace(self, grid: TextGrid) -> None:
        """Remove the last typed character."""
        if self.mode == "boot" or not self.input:
            return
        self.input.pop()
        if self.mode != "password":
            grid.erase_back()

    def enter(self, grid: TextGrid) -> None:
        """Return: submit the line to whoever is asking."""
        if self.mode == "boot":
            return
        line, self.input = "".join(self.input), []
        grid.write("\n")
        if self.mode == "login":
            if line.strip():
                self.user, self.mode = line.strip(), "password"
                grid.write("Password: ")
            else:
                self._prompt_login(grid)
        elif self.mode == "password":
            self.mode = "shell"
            grid.write("Last login: on tty1\n")
            self._prompt_shell(grid)
        else:
            self._run(grid, line)

    def control(self, grid: TextGrid, char: str) -> None:
        """Ctrl+<char>: C abandons the line, U erases it, D on an empty shell line logs out."""
        if self.mode == "boot":
            return
        if char == "c":
            self.input = []
            grid.write("^C\n")
            if self.mode == "shell":
                self._prompt_shell(grid)
            else:
                self._prompt_login(grid)
        elif char == "u":
            while self.input:
                self.backspace(grid)
        elif char == "d" and self.mode == "shell" and not self.input:
            self._logout(grid)

    def _prompt_login(self, grid: TextGrid) -> None:
        self.mode, self.user = "login", ""
        grid.write(f"{self.hostname} login: ")

    def _prompt_shell(self, grid: TextGrid) -> None:
        grid.write(f"{self.user}@{self.hostname}:~$ ")

    def _logout(self, grid: TextGrid) -> None:
        grid.clear()
        for line in self.issue:
            grid.write(line + "\n")
        self._prompt_login(grid)

    def _run(self, grid: TextGrid, line: str) -> None:
        words = line.split()
        command = words[0] if words else ""
        if command in ("exit", "logout"):
            self._logout(grid)
            return
        if command == "clear":
            grid.clear()
        elif command:
            for output in self._output(command, words[1:]):
                grid.write(output + "\n")
        self._prompt_shell(grid)

    def _output(self, command: str, args: list[str]) -> list[str]:
        kernel = "6.1.0-18-amd64" if self.kind == "vm" else "4.19.0+1"
        answers = {
            "whoami": [self.user],
            "hostname": [self.hostname],
            "uname": [f"Linux {self.hostname} {kernel} x86_64 GNU/Linux" if args else "Linux"],
            "echo": [" ".join(args)],
            "pwd": ["/root" if self.user == "root" else f"/home/{self.user}"],
            "true": [],
        }
        return answers.get(command, [f"-bash: {command}: command not found"])
