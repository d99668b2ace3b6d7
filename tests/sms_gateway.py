"""A stand-in for CM.com's SMS gateway on 127.0.0.1: it speaks the gateway's JSON API (the
request and answers described in kaft/notices/sms.py) and records every message it accepted.

    with SmsGateway(token="test-token") as gateway:
        settings.KAFT_SMS_URL = gateway.url
        ...
        gateway.messages  # [{"from": ..., "to": "0031612345678", "text": ..., "reference": ...}]

``gateway.fail_next(n, status=500, code=500)`` makes the next ``n`` requests fail the way the
gateway does; a wrong product token is answered with 401 and error code 101, a number that is
not one with 400 and code 303, as the real gateway would.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class SmsGateway:
    def __init__(self, *, token: str = "test-token") -> None:
        self.token = token
        self.messages: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self._failures: list[tuple[int, int]] = []
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, answer = gateway._handle(raw, self.headers.get("Content-Type", ""))
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1.0/message"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SmsGateway:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, count: int, *, status: int = 500, code: int = 500) -> None:
        with self._lock:
            self._failures += [(status, code)] * count

    def _handle(self, raw: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if not content_type.startswith("application/json"):
            return 400, {"details": "Content-Type must be JSON", "errorCode": 202, "messages": []}
        try:
            request = json.loads(raw)
            messages = request["messages"]
            token = messages["authentication"]["producttoken"]
            batch = messages["msg"]
        except (ValueError, KeyError, TypeError):
            return 400, {"details": "Request malformed", "errorCode": 202, "messages": []}
        self.requests.append(request)
        if failure is not None:
            status, code = failure
            return status, {"details": "Gateway error", "errorCode": code, "messages": []}
        if token != self.token:
            return 401, {
                "details": "No account found for the given authentication",
                "errorCode": 101,
                "messages": [],
            }
        answers, accepted = [], []
        for msg in batch:
            for to in msg.get("to", []):
                number = str(to.get("number", ""))
                ok = number.startswith("00") and number[2:].isdigit() and len(number) >= 10
                answers.append(
                    {
                        "to": number,
                        "status": "Accepted" if ok else "Rejected",
                        "reference": msg.get("reference"),
                        "parts": 1 if ok else 0,
                        "messageDetails": None if ok else f"Gsm '{number}' is not a number.",
                        "messageErrorCode": 0 if ok else 303,
                    }
                )
                if ok:
                    accepted.append(
                        {
                            "from": msg.get("from"),
                            "to": number,
                            "text": msg.get("body", {}).get("content", ""),
                            "type": msg.get("body", {}).get("type"),
                            "reference": msg.get("reference"),
                            "channels": msg.get("allowedChannels"),
                        }
                    )
        with self._lock:
            self.messages += accepted
        if len(accepted) < len(answers):
            return 400, {
                "details": "Not all messages were sent",
                "errorCode": 201,
                "messages": answers,
            }
        return 200, {
            "details": f"Created {len(accepted)} message(s)",
            "errorCode": 0,
            "messages": answers,
        }
