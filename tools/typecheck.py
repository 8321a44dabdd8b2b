"""Run mypy over xapiman/ and compare its errors with the committed baseline, which only shrinks.

Usage: python tools/typecheck.py [--shrink]

The baseline (tools/mypy-baseline.txt) lists the errors the code had when the check arrived,
one per line as "path: [code] message" (no line numbers, so that edits elsewhere in a file do
not disturb it). The check fails when mypy reports an error the baseline does not hold (a new
defect: fix it) and when the baseline holds an error mypy no longer reports (a fixed one: take
it out of the baseline, which `--shrink` does). `--shrink` never adds a line.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "tools" / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.pyi?):(?P<line>\d+): error: (?P<message>.*?)"
                   r"(?:  \[(?P<code>[a-z0-9-]+)\])?$")
LINE_NUMBER = re.compile(r"\bline \d+\b")
HEADER = ("# mypy errors the code still has; tools/typecheck.py fails on any other, and on any\n"
          "# line here that no longer applies (run it with --shrink to take those out).\n")


def run_mypy() -> tuple[Counter[str], dict[str, list[str]], str]:
    """Errors found by mypy (as baseline keys), where each was seen, and mypy's own output."""
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True,
                          text=True)
    found: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        match = ERROR.match(line)
        if match is None:
            continue
        message = LINE_NUMBER.sub("line N", match["message"])
        key = f"{match['path']}: [{match['code'] or 'misc'}] {message}"
        found[key] += 1
        where.setdefault(key, []).append(f"{match['path']}:{match['line']}")
    if done.returncode not in (0, 1) or (done.returncode == 1 and not found):
        sys.exit(f"mypy did not run:\n{done.stdout}{done.stderr}")
    return found, where, done.stdout


def read_baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line.strip() and not line.startswith("#"))


def write_baseline(errors: Counter[str]) -> None:
    body = "".join(f"{key}\n" for key in sorted(errors.elements()))
    BASELINE.write_text(HEADER + body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shrink", action="store_true",
                        help="remove the baseline lines that no longer apply (never adds one)")
    args = parser.parse_args(argv)
    found, where, _output = run_mypy()
    baseline = read_baseline()
    new = found - baseline
    fixed = baseline - found
    if args.shrink and fixed:
        write_baseline(baseline & found)
        print(f"typecheck: {sum(fixed.values())} fixed error(s) taken out of {BASELINE.name}")
        fixed = Counter()
    if new:
        print("typecheck: new mypy errors (fix them; the baseline does not take new ones):")
        for key in sorted(new):
            print(f"  {', '.join(where[key])}: {key.split(': ', 1)[1]}")
    if fixed:
        print(f"typecheck: errors fixed but still in {BASELINE.relative_to(REPO)}; take them out "
              "(python tools/typecheck.py --shrink):")
        for key in sorted(fixed):
            print(f"  {key}")
    if new or fixed:
        return 1
    print(f"typecheck: mypy passes with {sum(found.values())} known error(s) in the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
