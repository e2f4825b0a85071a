"""A fake Salesforce org served over real HTTP on a free local port, for the connector's tests.

It answers what the connector calls, the way Salesforce does:

- ``POST /services/oauth2/token``: the client-credentials and refresh-token grants (form-encoded, client id and
  secret in the body); the answer carries ``access_token``, ``instance_url``, ``id``, ``token_type``,
  ``issued_at`` and ``signature`` and no ``expires_in``, like Salesforce's;
- ``GET /services/data/vXX.X/query`` and ``/queryAll?q=SOQL``: a small SOQL reader (``SELECT`` fields, including
  a parent's ``Account.Name``, ``FROM`` object, ``WHERE`` with ``Field = 'value'`` and ``SystemModstamp``
  bounds, ``ORDER BY SystemModstamp``); ``query`` hides deleted records, ``queryAll`` returns them with
  ``IsDeleted = true``; an unknown field is a 400 ``INVALID_FIELD``; records carry ``attributes`` (type, url);
  answers are paged (``totalSize``, ``done``, ``nextRecordsUrl``) ``page_size`` records at a time;
- ``GET`` the ``nextRecordsUrl`` pages;
- a 401 ``INVALID_SESSION_ID`` for a token that has expired (``expire_next_token_after(n)``: the next token
  issued dies after ``n`` data calls) or is unknown.

Tests change the org with :meth:`FakeSalesforce.upsert` and :meth:`FakeSalesforce.delete`, which stamp the
record's ``SystemModstamp`` like Salesforce does; :attr:`FakeSalesforce.queries` keeps every SOQL received.
"""

import itertools
import json
import re
import threading
from datetime import UTC
from datetime import datetime

from werkzeug.serving import make_server
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

API = "v60.0"
CLIENT_ID = "3MVG9-fake-consumer-key"
CLIENT_SECRET = "fake-consumer-secret-7781"
REFRESH_TOKEN = "5Aep861-fake-refresh"
SELECT = re.compile(r"^SELECT (?P<fields>.+?) FROM (?P<object>\w+)(?: WHERE (?P<where>.+?))?(?: ORDER BY (?P<order>.+))?$",
                    re.IGNORECASE)
EQUALS = re.compile(r"^\(?\s*(\w+)\s*=\s*'([^']*)'\s*\)?$")
STAMP = re.compile(r"^SystemModstamp\s*(>|<=|>=|<)\s*(\S+)$")
# The fields each object has besides the custom ones a test gives its records.
STANDARD = {
    "Account": {"Id", "IsDeleted", "SystemModstamp", "LastModifiedDate", "Name", "Type", "BillingStreet",
                "BillingCity", "BillingState", "BillingPostalCode", "Phone", "ParentId", "AccountNumber"},
    "Contract": {"Id", "IsDeleted", "SystemModstamp", "LastModifiedDate", "ContractNumber", "AccountId", "Status",
                 "StartDate", "EndDate", "CustomerSignedDate", "ActivatedDate"},
}
PARENTS = {("Account", "Parent"): ("Account", "ParentId"), ("Contract", "Account"): ("Account", "AccountId")}


def stamp(moment: datetime) -> str:
    """Return ``moment`` as Salesforce writes a datetime: ``2026-03-01T10:00:00.000+0000``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _parse(text: str) -> datetime:
    return datetime.strptime(text.replace("Z", "+0000").replace(".000", ""), "%Y-%m-%dT%H:%M:%S%z")


def _equals(name: str, value: str):
    return lambda record: record.get(name) == value


def _error(status: int, code: str, message: str) -> Response:
    return Response(json.dumps([{"message": message, "errorCode": code}]), status, mimetype="application/json")


class FakeSalesforce:
    """The org's records, tokens and paging cursors, and the WSGI app that serves them."""

    def __init__(self, page_size: int = 2000, fields: dict[str, set[str]] | None = None) -> None:
        self.page_size = page_size
        self.records: dict[str, dict[str, dict]] = {"Account": {}, "Contract": {}}
        self.fields = {name: set(known) | set((fields or {}).get(name, ())) for name, known in STANDARD.items()}
        self.tokens: dict[str, int | None] = {}  # token -> data calls left before it expires (None: no limit)
        self.cursors: dict[str, list[dict]] = {}
        self.queries: list[str] = []
        self.token_requests: list[dict] = []
        self.data_calls = 0
        self.reject_every_token = False
        self._ids = itertools.count(1)
        self._expire_next_after: int | None = None
        self.lock = threading.Lock()
        self.url = ""

    # -- the org, as tests change it -------------------------------------------------------------------

    def upsert(self, sobject: str, record_id: str, when: datetime, **values) -> dict:
        """Create or change a record, stamping ``SystemModstamp`` with ``when``."""
        unknown = set(values) - self.fields[sobject]
        assert not unknown, f"{sobject} has no field {unknown}"
        record = self.records[sobject].setdefault(record_id, {"Id": record_id, "IsDeleted": False})
        record.update(values, SystemModstamp=stamp(when), LastModifiedDate=stamp(when))
        return record

    def delete(self, sobject: str, record_id: str, when: datetime) -> None:
        """Move a record to the recycle bin, as deleting it in Salesforce does."""
        record = self.records[sobject][record_id]
        record.update(IsDeleted=True, SystemModstamp=stamp(when))

    def expire_next_token_after(self, calls: int) -> None:
        """Make the next token issued stop working after ``calls`` data calls (a session timeout mid-sync)."""
        with self.lock:
            self._expire_next_after = calls

    # -- HTTP ------------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = Request(environ)
        with self.lock:
            response = self._route(request)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        if request.path == "/services/oauth2/token" and request.method == "POST":
            return self._token(request)
        match = re.match(rf"^/services/data/{re.escape(API)}/(query|queryAll)(?:/(?P<cursor>[\w-]+))?/?$", request.path)
        if not match:
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        refused = self._authorise(request)
        if refused:
            return refused
        if match.group("cursor"):
            return self._page(match.group("cursor"))
        return self._query(request.args.get("q", ""), include_deleted=match.group(1) == "queryAll")

    def _token(self, request: Request) -> Response:
        form = request.form
        self.token_requests.append(dict(form))
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return Response(json.dumps({"error": "invalid_client", "error_description": "invalid client credentials"}),
                            400, mimetype="application/json")
        grant = form.get("grant_type")
        if grant == "refresh_token" and form.get("refresh_token") != REFRESH_TOKEN:
            return Response(json.dumps({"error": "invalid_grant", "error_description": "expired access/refresh token"}),
                            400, mimetype="application/json")
        if grant not in ("client_credentials", "refresh_token"):
            return Response(json.dumps({"error": "unsupported_grant_type", "error_description": grant}), 400,
                            mimetype="application/json")
        token = f"00Dfake!{next(self._ids):04d}"
        self.tokens[token], self._expire_next_after = self._expire_next_after, None
        return Response(json.dumps({
            "access_token": token, "instance_url": self.url, "token_type": "Bearer",
            "id": f"{self.url}/id/00Dfake/005fake", "issued_at": "1764000000000", "signature": "fake-signature=",
            "scope": "api",
        }), 200, mimetype="application/json")

    def _authorise(self, request: Request) -> Response | None:
        self.data_calls += 1
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else None
        if self.reject_every_token or token not in self.tokens or self.tokens[token] == 0:
            return _error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        if self.tokens[token] is not None:
            self.tokens[token] -= 1
        return None

    def _query(self, soql: str, include_deleted: bool) -> Response:
        self.queries.append(soql)
        parsed = SELECT.match(" ".join(soql.split()))
        if not parsed:
            return _error(400, "MALFORMED_QUERY", f"unexpected query: {soql[:80]}")
        sobject = parsed.group("object")
        if sobject not in self.records:
            return _error(400, "INVALID_TYPE", f"sObject type '{sobject}' is not supported.")
        fields = [name.strip() for name in parsed.group("fields").split(",")]
        for name in fields:
            if not self._known(sobject, name):
                return _error(400, "INVALID_FIELD", f"No such column '{name}' on entity '{sobject}'.")
        tests = self._conditions(parsed.group("where") or "")
        if isinstance(tests, Response):
            return tests
        chosen = [r for r in self.records[sobject].values()
                  if (include_deleted or not r["IsDeleted"]) and all(test(r) for test in tests)]
        chosen.sort(key=lambda r: (r["SystemModstamp"], r["Id"]))
        shaped = [self._shape(sobject, record, fields) for record in chosen]
        cursor = f"01gFAKE{next(self._ids):06d}"
        self.cursors[cursor] = shaped
        return self._page(cursor, total=len(shaped))

    def _page(self, cursor: str, total: int | None = None) -> Response:
        base, _, offset = cursor.partition("-")
        records = self.cursors.get(base)
        if records is None:
            return _error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        start = int(offset or 0)
        page = records[start:start + self.page_size]
        done = start + self.page_size >= len(records)
        body = {"totalSize": len(records), "done": done, "records": page}
        if not done:
            body["nextRecordsUrl"] = f"/services/data/{API}/queryAll/{base}-{start + self.page_size}"
        return Response(json.dumps(body), 200, mimetype="application/json")

    def _known(self, sobject: str, name: str) -> bool:
        if "." in name:
            relation, _, rest = name.partition(".")
            parent = PARENTS.get((sobject, relation))
            return parent is not None and self._known(parent[0], rest)
        return name in self.fields[sobject]

    def _conditions(self, where: str):
        tests = []
        for part in re.split(r"\s+AND\s+", where, flags=re.IGNORECASE) if where else []:
            part = part.strip()
            bound = STAMP.match(part)
            equal = EQUALS.match(part)
            if bound:
                operator, moment = bound.group(1), _parse(bound.group(2))
                compare = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
                           "<=": lambda a, b: a <= b}[operator]
                tests.append(lambda r, c=compare, m=moment: c(_parse(r["SystemModstamp"]), m))
            elif equal:
                tests.append(_equals(equal.group(1), equal.group(2)))
            else:
                return _error(400, "MALFORMED_QUERY", f"unexpected condition {part!r}")
        return tests

    def _shape(self, sobject: str, record: dict, fields: list[str]) -> dict:
        shaped = {"attributes": {"type": sobject, "url": f"/services/data/{API}/sobjects/{sobject}/{record['Id']}"}}
        for name in fields:
            if "." in name:
                relation, _, rest = name.partition(".")
                parent_object, id_field = PARENTS[(sobject, relation)]
                parent = self.records[parent_object].get(record.get(id_field) or "")
                if parent is None:
                    shaped[relation] = None
                    continue
                nested = shaped.get(relation) or {}
                nested.update(self._shape(parent_object, parent, [rest]))
                shaped[relation] = nested
            else:
                shaped[name] = record.get(name)
        return shaped


class FakeServer:
    """Serve a :class:`FakeSalesforce` on a free local port in a thread."""

    def __init__(self, org: FakeSalesforce) -> None:
        self.org = org
        self.server = make_server("127.0.0.1", 0, org, threaded=True)
        org.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSalesforce:
        self.thread.start()
        return self.org

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.thread.join(5)
