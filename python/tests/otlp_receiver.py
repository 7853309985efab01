"""A real OTLP/HTTP trace receiver for tests: ``http.server`` on 127.0.0.1 in a thread.

It decodes each POSTed body with opentelemetry-proto's ``ExportTraceServiceRequest``
(as a Collector would) and keeps it. It can answer with an HTTP error, answer late,
or report a partial success::

    with OTLPReceiver() as rx:
        nbtrace.export.otlp(rx.url, traces=[...])
        spans = rx.spans()          # [(resource, scope, span), ...] protobuf messages
"""
from __future__ import annotations

import http.server
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    request: ExportTraceServiceRequest | None  # None if the body did not decode


class OTLPReceiver:
    def __init__(self, status: int = 200, delay: float = 0.0, rejected_spans: int = 0) -> None:
        self.status = status
        self.delay = delay
        self.rejected_spans = rejected_spans
        self.requests: list[Received] = []
        self._lock = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    request = ExportTraceServiceRequest.FromString(body)
                except Exception:
                    request = None
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver._lock:
                    receiver.requests.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, request))
                    receiver._lock.notify_all()
                if receiver.status != 200:
                    payload = b"receiver says no"
                    self.send_response(receiver.status)
                    self.send_header("Content-Type", "text/plain")
                else:
                    response = ExportTraceServiceResponse()
                    if receiver.rejected_spans:
                        response.partial_success.rejected_spans = receiver.rejected_spans
                        response.partial_success.error_message = "span too old"
                    payload = response.SerializeToString()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> OTLPReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def spans(self) -> list:
        """Every received span as ``(resource, scope, span)``."""
        out = []
        with self._lock:
            for received in self.requests:
                for rs in received.request.resource_spans if received.request else []:
                    for ss in rs.scope_spans:
                        out.extend((rs.resource, ss.scope, span) for span in ss.spans)
        return out

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)
        return True


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
