#!/usr/bin/env python3
"""A small client for the VCS Portal exchange API, as a prison-side developer would write one.

Standard library only. Set VCS_TOKEN (from `manage.py api_client_create`) and, if not the
`make run` default, VCS_API (e.g. https://vcs.example/api/v1). See docs/api.md.

    python3 docs/api_client.py event A1002BC RECALL [received|released]
    python3 docs/api_client.py consult A1002BC recall 2026-05-30 "Any victim concerns?"
    python3 docs/api_client.py answer 1
    python3 docs/api_client.py listen 8765
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.server
import json
import os
import sys
import urllib.error
import urllib.request
import uuid

BASE = os.environ.get("VCS_API", "http://127.0.0.1:8000/api/v1").rstrip("/")
TOKEN = os.environ.get("VCS_TOKEN", "")


def call(method: str, path: str, body: dict | None = None, **headers: str) -> tuple[int, object]:
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own
        BASE + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def show(status: int, body: object) -> None:
    print(status)
    print(json.dumps(body, indent=2))


def event(prison_number: str, reason: str, direction: str = "received") -> None:
    """Send a prisoner.received (or .released) event. The key is the event itself, so a re-run
    within the same minute is the same event and is recorded once."""
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    envelope = {
        "eventType": f"prison-offender-events.prisoner.{direction}",
        "version": 1,
        "occurredAt": now.isoformat(),
        "description": f"A prisoner has been {direction}",
        "additionalInformation": {"nomsNumber": prison_number, "reason": reason.upper(), "prisonId": "MDI"},
    }
    key = hashlib.sha256(json.dumps(envelope, sort_keys=True).encode()).hexdigest()[:32]
    show(*call("POST", "/events", envelope, **{"Idempotency-Key": key}))


def consult(prison_number: str, kind: str, due_on: str, question: str) -> None:
    body = {
        "prisonNumber": prison_number,
        "kind": kind,
        "dueOn": due_on,
        "question": question,
        "reference": f"dev-{uuid.uuid4().hex[:8]}",
    }
    show(*call("POST", "/consultations", body))


def answer(consultation_id: str) -> None:
    show(*call("GET", f"/consultations/{int(consultation_id)}"))


def listen(port: str) -> None:
    """Register http://localhost:PORT/ as a webhook and print each signed notice that arrives."""
    status, created = call("POST", "/webhooks", {"url": f"http://localhost:{int(port)}/"})
    show(status, created)
    if status != 201 or not isinstance(created, dict):
        sys.exit(1)
    secret = created["secret"].encode()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
            good = hmac.compare_digest(expected, self.headers.get("X-VCS-Signature", ""))
            print("signature", "good" if good else "BAD")
            print(json.dumps(json.loads(body), indent=2))
            self.send_response(204 if good else 401)
            self.end_headers()

    print(f"Listening on http://localhost:{port}/ (Ctrl-C stops; the webhook stays registered)")
    http.server.HTTPServer(("127.0.0.1", int(port)), Hook).serve_forever()


COMMANDS = {"event": event, "consult": consult, "answer": answer, "listen": listen}

if __name__ == "__main__":
    if not TOKEN or len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
