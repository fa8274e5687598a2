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
        threading.Thread(target=self._accept, daemon=True).start()

    def stall(self, seconds=None):
        """Hold all traffic, for `seconds` if given (then it flows again on its own), else until `resume()`."""
        self.flowing.clear()
        if seconds is not None:
            threading.Timer(seconds, self.resume).start()

    def resume(self):
        self.flowing.set()

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
                self.flowing.wait()
                dst.sendall(data)
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
