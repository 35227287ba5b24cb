"""A small TCP proxy on loopback that tests put between annot and Label Studio, to cut it on demand.

Faults it makes real: refused connections for a while (`refuse_for`), and a connection
reset in the middle of a transfer, either as soon as the server starts answering a
request whose bytes contain a marker (`cut_response`: the request landed, the answer is
lost), possibly after some bytes of it went through, or on the way up (`cut_request`:
the server never gets the whole request).
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass

CHUNK = 1 << 14
POLL_S = 0.1
REFUSE_POLL_S = 0.05


@dataclass
class _Cut:
    """One armed fault: when `marker` goes upstream, the answer on that connection is cut."""

    marker: bytes
    after_bytes: int  # bytes let through before the cut (0: none)
    times: int  # how many connections it cuts; -1 for every one
    request: bool = False  # cut the request on its way up (it never lands) rather than the answer


def _reset(sock: socket.socket) -> None:
    """Close with RST rather than FIN: what a dead peer or a dropped route looks like."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class TcpProxy:
    """Forward 127.0.0.1:<port> to `target_host:target_port` until told to fail."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._cuts: list[_Cut] = []
        self._pairs: set[_Pair] = set()
        self._refuse_until = 0.0
        self._stopped = False
        self.cuts_made = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- faults ---------------------------------------------------------------------------

    def cut_response(self, marker: str, *, after_bytes: int = 0, times: int = 1) -> None:
        """Reset the connection whose request contains `marker` once its answer starts
        (after `after_bytes` of it went through); `times=-1` keeps cutting."""
        with self._lock:
            self._cuts.append(_Cut(marker.encode(), after_bytes, times))

    def cut_request(self, marker: str, *, after_bytes: int = 0, times: int = 1) -> None:
        """Reset the connection whose request contains `marker` after `after_bytes` of that
        request went up: the server never gets all of it."""
        with self._lock:
            self._cuts.append(_Cut(marker.encode(), after_bytes, times, request=True))

    def clear(self) -> None:
        with self._lock:
            self._cuts.clear()

    def refuse_for(self, seconds: float) -> None:
        """Drop every open connection and refuse new ones for `seconds` (the port is closed)."""
        with self._lock:
            self._refuse_until = time.monotonic() + seconds
            for pair in self._pairs:
                pair.kill = True

    def close(self) -> None:
        self._stopped = True  # every pair resets its sockets on its next poll
        with contextlib.suppress(OSError):
            self._listener.close()
        self._thread.join(timeout=5)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the forwarding ------------------------------------------------------------------

    def _serve(self) -> None:
        self._listener.settimeout(POLL_S)
        while not self._stopped:
            if time.monotonic() < self._refuse_until:
                self._close_listener_while_refusing()
                continue
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                _reset(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            pair = _Pair(self, client, upstream)
            with self._lock:
                self._pairs.add(pair)
            threading.Thread(target=pair.run, daemon=True).start()

    def _close_listener_while_refusing(self) -> None:
        """A closed port gives ECONNREFUSED, as a stopped server does; reopen on the same port."""
        self._listener.close()
        while time.monotonic() < self._refuse_until and not self._stopped:
            time.sleep(REFUSE_POLL_S)
        if self._stopped:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        listener.settimeout(POLL_S)
        self._listener = listener

    def _arm(self, data: bytes) -> _Cut | None:
        with self._lock:
            for cut in self._cuts:
                if cut.times != 0 and cut.marker in data:
                    if cut.times > 0:
                        cut.times -= 1
                    return cut
        return None

    def _forget(self, pair: _Pair) -> None:
        with self._lock:
            self._pairs.discard(pair)


class _Pair:
    """One client connection and its upstream twin, pumped both ways by one thread, so a cut
    closes sockets no other thread is blocked on (a blocked recv would keep the RST from going out)."""

    def __init__(self, proxy: TcpProxy, client: socket.socket, upstream: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream = upstream
        self.armed: _Cut | None = None
        self.passed = 0  # bytes let through since the cut was armed
        self.kill = False

    def run(self) -> None:
        reset = False
        try:
            while not self.kill and not self.proxy._stopped:
                ready, _, _ = select.select([self.client, self.upstream], [], [], POLL_S)
                if any(not self._pump(sock) for sock in ready):
                    reset = self.kill
                    break
            else:
                reset = True
        except OSError:
            pass
        for sock in (self.client, self.upstream):
            if reset:
                _reset(sock)
            else:
                with contextlib.suppress(OSError):
                    sock.close()
        self.proxy._forget(self)

    def _pump(self, source: socket.socket) -> bool:
        """Move one chunk from `source` to its twin; False when this pair is done."""
        data = source.recv(CHUNK)
        if not data:
            return False
        going_up = source is self.client
        if going_up and self.armed is None:
            self.armed = self.proxy._arm(data)
        cut = self.armed
        if cut is not None and cut.request == going_up:
            room = cut.after_bytes - self.passed
            if room < len(data):
                target = self.upstream if going_up else self.client
                if room > 0:
                    target.sendall(data[:room])
                self.proxy.cuts_made += 1
                self.kill = True
                return False
            self.passed += len(data)
        (self.upstream if going_up else self.client).sendall(data)
        return True
