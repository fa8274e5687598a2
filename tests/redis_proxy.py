"""A TCP proxy in front of the real Redis that a test can stall: replies wait, as behind a hiccuping network."""

import contextlib
import socket
import threading


class StallingProxy:
    """Forward loopback connections to Redis; while stalled, hold every byte in both directions."""

    def __init__(self, upstream=("127.0.0.1", 6379), db=2):
        self.upstream = upstream
        self.flowing = threading.Event()
        self.flowing.set()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/{db}"
        self.connections = []
        # Bytes received but not yet forwarded (held by a stall); `resume()` waits for them.
        self.in_flight = 0
        self.drained = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def stall(self, seconds=None):
        """Hold all traffic, for `seconds` if given (then it flows again on its own), else until `resume()`."""
        self.flowing.clear()
        if seconds is not None:
            threading.Timer(seconds, self.resume).start()

    def resume(self, timeout=5.0):
        """Let traffic flow again, and return once what was held has been passed on.

        Without the wait, a command held by the stall (a SET that timed out on its
        client's side) would reach Redis at some moment after the test's next commands,
        and the test would race with it.
        """
        self.flowing.set()
        with self.drained:
            if not self.drained.wait_for(lambda: self.in_flight == 0, timeout=timeout):
                raise TimeoutError(f"{self.in_flight} held bytes not passed on within {timeout} s")

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.connections += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while data := src.recv(65536):
                with self.drained:
                    self.in_flight += len(data)
                try:
                    self.flowing.wait()
                    dst.sendall(data)
                finally:
                    with self.drained:
                        self.in_flight -= len(data)
                        self.drained.notify_all()
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.flowing.set()
        self.sock.close()
        for conn in self.connections:
            conn.close()
