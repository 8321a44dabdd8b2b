"""Entry point of the XAPI simulator, `xapiman-sim`."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xapiman-sim",
        description="Serve a simulated XenServer / XCP-ng pool over XAPI (XML-RPC and JSON-RPC, "
        "HTTP or HTTPS), for demos, tests and any XAPI client.",
        epilog="When ready it prints one line 'xapiman-sim ready: URL user=U password=PW' (with "
        "' fingerprint=SHA256' over TLS), then one line 'host NAME URL' per host, and serves "
        "until SIGINT or SIGTERM (exit status 0). A file it cannot load or a port it cannot "
        "use gives one line on stderr and exit status 1. Serving plain HTTP on an address "
        "other than loopback gives a warning: passwords and sessions would cross the network "
        "in clear.",
    )
    parser.add_argument("--hosts", type=int, default=2, metavar="N", help="hosts in a synthetic pool (default 2)")
    parser.add_argument("--vms", type=int, default=20, metavar="M", help="VMs in a synthetic pool (default 20)")
    parser.add_argument("--db", metavar="FILE", help="load the pool from a XAPI database dump (state.db XML)")
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="keep the pool's state in FILE: loaded at start when it exists (then --db, --hosts "
        "and --vms are ignored), saved shortly after changes and at exit",
    )
    parser.add_argument("--bind", default="127.0.0.1", metavar="ADDR", help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface, :: for every "
                        "interface over IPv6 and IPv4)")
    parser.add_argument(
        "--advertise",
        metavar="ADDR",
        help="the address the hosts give clients (host records, HOST_IS_SLAVE); default: the "
        "--bind address, or this machine's own address when binding to every interface",
    )
    parser.add_argument("--port", type=int, default=0, metavar="P", help="coordinator port; 0 picks a free one")
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--tls", dest="tls", action="store_true", default=True, help="serve HTTPS (default)")
    tls.add_argument("--no-tls", dest="tls", action="store_false", help="serve plain HTTP")
    parser.add_argument("--cert", metavar="PEM", help="certificate and key to serve (default: self-signed, made at start)")
    parser.add_argument("--user", default="root", metavar="U", help="login user (default root)")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password", metavar="PW", help="login password (default: a random one, printed in the ready line)")
    secret.add_argument("--password-file", metavar="F", help="read the login password from the first line of F")
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        metavar="F",
        help="run operations F times faster than a real pool; 0 makes them instant (default 1)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic pool (default 1)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from xapiman.sim.serve import serve_forever

    return serve_forever(args)


if __name__ == "__main__":
    sys.exit(main())
