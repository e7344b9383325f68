"""Whether the preview can listen where it is asked to, said before anything is built.

The host builds the whole site first and only then binds its server, so a port already taken
(another preview still running, say) used to cost a build and end in a traceback.
"""

from __future__ import annotations

import errno
import ipaddress
import socket

from ..exceptions import UsageError, os_error

_LOOK_FOR_FREE = 20  # ports after a taken one to try, for the one to suggest


def parse_address(text: str) -> tuple[str, int]:
    """`IP:PORT` (or `[IPv6]:PORT`) as a host and a port; UsageError if it is not one."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--dev-addr must be IP:PORT, such as 127.0.0.1:8000, got {text!r}")
    return host, int(port)


def address_problem(host: str, port: int, command: str) -> str | None:
    """Why the preview cannot listen on host:port (one line, with what to do), or None.
    `command` is what the user runs (`journeymap serve`), for the advice."""
    error = _bind_error(host, port)
    if error is None:
        return None
    where = _shown(host, port)
    if error.errno == errno.EADDRINUSE:
        free = next((p for p in range(port + 1, min(port + _LOOK_FOR_FREE, 65535) + 1)
                     if _bind_error(host, p) is None), port + 1)
        return (f"{where} is already in use (by another preview, or another program): stop "
                f"it, or choose another address: {command} --dev-addr {_shown(host, free)}")
    if error.errno == errno.EACCES:
        return (f"cannot listen on {where}: ports below 1024 need more rights; choose another "
                f"address: {command} --dev-addr {_shown(host, 8000)}")
    if error.errno == errno.EADDRNOTAVAIL:
        return (f"cannot listen on {where}: {host} is not an address of this machine; choose "
                f"another address: {command} --dev-addr 127.0.0.1:{port}")
    return f"cannot listen on {where} ({os_error(error)})"


def _ipv6(host: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        return False


def _bind_error(host: str, port: int) -> OSError | None:
    """What binding host:port as the host's server does (address reuse on, so a port whose
    last connections are still closing counts as free) says, if it fails."""
    try:
        with socket.socket(socket.AF_INET6 if _ipv6(host) else socket.AF_INET,
                           socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        return error
    return None


def _shown(host: str, port: int) -> str:
    return f"[{host}]:{port}" if _ipv6(host) else f"{host}:{port}"
