"""What each simulated cluster was asked: tests use it to prove that nothing was sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: str
    status: int

    @property
    def mutating(self) -> bool:
        """A write; SelfSubjectAccessReview creations only ask a question, so they do not count."""
        return self.method not in READ_METHODS and "selfsubjectaccessreviews" not in self.path


class RequestLog:
    """A thread-safe, append-only list of `RequestRecord`s."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._in_flight = 0
        self._idle = threading.Condition(self._lock)

    def begin(self) -> None:
        """A request arrived; it is in flight until `end()` (a slow one may outlive its client)."""
        with self._lock:
            self._in_flight += 1

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is being handled (watches count); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def writes(self) -> list[RequestRecord]:
        """Every mutating request (POST/PUT/PATCH/DELETE other than access reviews)."""
        return [record for record in self.records() if record.mutating]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.records())

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)
