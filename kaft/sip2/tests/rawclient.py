"""A bare SIP2 client for tests: frames written by hand, answers read up to CR."""

from __future__ import annotations

import socket
import ssl

from kaft.sip2.wire import checksum


def frame(
    text: str, *, sequence: str | None = "0", charset: str = "utf-8", with_checksum: bool = True
) -> bytes:
    """``text`` (command, fixed part and fields) as a frame with AY, AZ and CR."""
    data = text.encode(charset)
    if sequence is not None:
        data += b"AY" + sequence.encode("ascii")
    if with_checksum:
        data += b"AZ"
        data += checksum(data).encode("ascii")
    return data + b"\r"


class RawClient:
    """One connection; :meth:`send` writes bytes and returns the answer (up to CR) or b""."""

    def __init__(
        self,
        address: tuple[str, int],
        *,
        tls: ssl.SSLContext | None = None,
        timeout: float = 10.0,
    ) -> None:
        sock = socket.create_connection(address, timeout=timeout)
        self.sock: socket.socket = (
            tls.wrap_socket(sock, server_hostname=address[0]) if tls else sock
        )
        self.sock.settimeout(timeout)

    def send(self, data: bytes) -> bytes:
        self.sock.sendall(data)
        return self.read()

    def read(self) -> bytes:
        """The next answer including its CR, or b"" when the server closed the connection."""
        answer = b""
        while not answer.endswith(b"\r"):
            chunk = self.sock.recv(1)
            if not chunk:
                return answer
            answer += chunk
        return answer

    def closed_by_server(self) -> bool:
        """Whether the server has closed this connection (reads end of stream)."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
