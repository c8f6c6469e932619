"""A server-sent events reader for tests: one thread per stream parses messages into a queue."""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass, field

import httpx2 as httpx


@dataclass
class Message:
    id: str | None
    event: str | None
    data: str
    comments: list[str] = field(default_factory=list)
    retry: str | None = None

    @property
    def facts(self) -> dict:
        return json.loads(self.data) if self.data else {}


class EventStream:
    """``GET url`` as a stream; ``next()`` returns the next dispatched message (or comment block).

    ``END`` is queued when the server ends the response."""

    END = object()

    def __init__(self, url: str, *, headers: dict | None = None, cookies: dict | None = None) -> None:
        self.url = url
        self.messages: queue.Queue = queue.Queue()
        self.status: int | None = None
        self.headers: httpx.Headers | None = None
        self._client = httpx.Client(timeout=httpx.Timeout(60, read=None), cookies=cookies or {})
        self._headers = headers or {}
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True, name=f"sse-{url}")
        self._thread.start()
        if not self._opened.wait(30):
            raise AssertionError(f"the stream {url} did not open")

    def _read(self) -> None:
        try:
            with self._client.stream("GET", self.url, headers=self._headers) as response:
                self.status, self.headers = response.status_code, response.headers
                self._opened.set()
                fields: dict = {"data": []}
                comments: list[str] = []
                for line in response.iter_lines():
                    if line == "":
                        if fields["data"] or comments or "id" in fields or "retry" in fields:
                            self.messages.put(
                                Message(
                                    fields.get("id"),
                                    fields.get("event"),
                                    "\n".join(fields["data"]),
                                    comments,
                                    fields.get("retry"),
                                )
                            )
                        fields, comments = {"data": []}, []
                    elif line.startswith(":"):
                        comments.append(line[1:].strip())
                    else:
                        name, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if name == "data":
                            fields["data"].append(value)
                        else:
                            fields[name] = value
        except (httpx.HTTPError, RuntimeError):
            pass
        finally:
            self._opened.set()
            self.messages.put(self.END)

    def next(self, timeout: float = 30):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"nothing arrived on {self.url} within {timeout} s") from None

    def next_event(self, timeout: float = 30) -> Message:
        """The next message that is an event (skipping heartbeats and id-only messages)."""
        while True:
            message = self.next(timeout)
            if message is self.END:
                raise AssertionError("the stream ended")
            if message.event is not None:
                return message

    def events_until(self, predicate, timeout: float = 60) -> list[Message]:
        seen = []
        while True:
            message = self.next_event(timeout)
            seen.append(message)
            if predicate(message):
                return seen

    def quiet_for(self, seconds: float) -> list:
        """Whatever events arrive within ``seconds`` (heartbeats skipped)."""
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                break
            if message is self.END or message.event is not None:
                got.append(message)
            if message is self.END:
                break
        return got

    def close(self) -> None:
        self._client.close()
        self._thread.join(timeout=10)
