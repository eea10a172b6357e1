"""Shared by the interop suites: the seed's expected listings and a tiny case runner.

Standard library only (it runs in both venvs). Everything a suite needs comes from the
environment that `cargo xtask interop` sets (never argv, so no secret is in a process list):
TCREDIS_MOCK_URL, TCREDIS_INTEROP_SEED, TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY.
Nothing here prints a secret: failures print what was compared, never credentials.
"""
import json
import os
import sys
import traceback
import urllib.parse
import urllib.request

REGION = "ap-guangzhou"


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit("interop: %s is not set (run through `cargo xtask interop`)" % name)
    return value


def mock_url():
    """(full URL, "host:port") of the running mock."""
    url = env("TCREDIS_MOCK_URL")
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != "http" or not parsed.port:
        sys.exit("interop: TCREDIS_MOCK_URL must be http://127.0.0.1:PORT, got %r" % url)
    return url, "%s:%d" % (parsed.hostname, parsed.port)


def admin(path, body=None):
    """The mock's admin API (never signed): GET without a body, POST with one; the JSON answer."""
    url, _ = mock_url()
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url + path, data=data, method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=10) as resp:
        return json.loads(resp.read().decode("utf-8"))


def clock(body=None):
    """GET /_mock/clock, or POST it with {"set": TIME} / {"advance": D} (+ "frozen", "speed")."""
    return admin("/_mock/clock", body)


class Seed:
    """The seed file, with the mock's inheritance and listing order applied."""

    def __init__(self, path=None):
        with open(path or env("TCREDIS_INTEROP_SEED"), encoding="utf-8") as f:
            data = json.load(f)
        self.instances = {}
        for inst in data["instances"]:
            backups = []
            for b in inst["Backups"]:
                full = dict(b)
                for key in ("InstanceId", "InstanceName", "Region"):
                    full.setdefault(key, inst[key])
                backups.append(full)
            # Listing order: StartTime descending, then BackupId descending (byte order).
            backups.sort(key=lambda b: (b["StartTime"], b["BackupId"].encode("utf-8")), reverse=True)
            self.instances[inst["InstanceId"]] = dict(inst, Backups=backups)

    def listing(self, instance_id, statuses=None):
        items = self.instances[instance_id]["Backups"]
        if statuses:
            items = [b for b in items if b["Status"] in statuses]
        return items

    def ids(self, instance_id, statuses=None):
        return [b["BackupId"] for b in self.listing(instance_id, statuses)]

    def described(self, region, keep=lambda inst: True):
        """DescribeInstances' InstanceSet for `region`: InstanceId order, every seeded field but
        Backups, Status 2 when the seed gives none."""
        out = []
        for inst in sorted(self.instances.values(), key=lambda i: i["InstanceId"].encode("utf-8")):
            if inst["Region"] == region and keep(inst):
                item = {k: v for k, v in inst.items() if k != "Backups"}
                item.setdefault("Status", 2)
                out.append(item)
        return out


def has_tags(inst, *pairs):
    """Whether the instance carries every (key, value) tag."""
    tags = {(t["TagKey"], t["TagValue"]) for t in inst.get("InstanceTags", [])}
    return all(p in tags for p in pairs)


def check_instances_match(items, expected, what):
    """Instances in InstanceId order, every seeded field as seeded."""
    check_eq([i.get("InstanceId") for i in items], [e["InstanceId"] for e in expected], what + " InstanceIds in order")
    for got, want in zip(items, expected):
        for key, value in want.items():
            check_eq(got.get(key), value, "%s %s.%s" % (what, want["InstanceId"], key))


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def check_eq(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


def check_items_match(items, expected, what, absent_as_null=False):
    """Each item is exactly the seed's (with the instance's inherited fields): the same keys,
    extra ones included, and every value unchanged, in listing order.

    `absent_as_null`: the tool renders every field of the SDK's model, a field the server did
    not send as null (tccli does); such keys must then be null *and* absent from the seed."""
    check_eq([i.get("BackupId") for i in items], [e["BackupId"] for e in expected], what + " BackupIds in order")
    for got, want in zip(items, expected):
        if absent_as_null:
            nulls = sorted(k for k, v in got.items() if v is None)
            check_eq([k for k in nulls if k in want], [], "%s %s fields the seed gives shown as null" % (what, want["BackupId"]))
            got = {k: v for k, v in got.items() if v is not None}
        check_eq(sorted(got.keys()), sorted(want.keys()), "%s %s keys" % (what, want["BackupId"]))
        for key, value in want.items():
            check_eq(got.get(key), value, "%s %s.%s" % (what, want["BackupId"], key))


class Runner:
    """Runs named cases; prints PASS/FAIL per case and the summary line xtask parses."""

    def __init__(self, suite):
        self.suite = suite
        self.cases = []

    def case(self, fn):
        self.cases.append(fn)
        return fn

    def run(self):
        passed = 0
        for fn in self.cases:
            name = fn.__name__
            try:
                fn()
            except Exception as e:  # a case failure, whatever raised it
                print("FAIL %s: %s: %s" % (name, type(e).__name__, e), flush=True)
                traceback.print_exc(file=sys.stderr)
            else:
                passed += 1
                print("PASS %s" % name, flush=True)
        print("interop-summary: suite=%s ran=%d passed=%d" % (self.suite, len(self.cases), passed), flush=True)
        sys.exit(0 if passed == len(self.cases) else 1)
