// The packed tcredis-mock npm package, driven through the official Node.js SDK with node's own
// test runner. `cargo xtask npm` installs the tarball into a scratch project and runs this file
// there with TCREDIS_MOCK_BIN set and NODE_PATH pointing at the SDK (installed from
// tests/interop/node's lock file).
"use strict";

const assert = require("node:assert/strict");
const childProcess = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { test } = require("node:test");

const {
  startMock,
  findBinary,
  MockError,
  DEMO_SECRET_ID,
  DEMO_SECRET_KEY,
} = require("tcredis-mock");
const { redis } = require("tencentcloud-sdk-nodejs/tencentcloud/services/redis");

// A test secret of the project (xtask/src/secrets.rs): the gate's secret scan fails if it is ever
// printed, so these tests also prove the package keeps keys out of argv and output.
const TEST_KEY = "tcredis-test-secret-DO-NOT-PRINT-npm-Rb8Nc3Ju6Qa1";
const TEST_ID = "AKIDTCREDISNPMTEST000000000000000000";

const SEED = {
  instances: [
    {
      InstanceId: "crs-npm00001",
      InstanceName: "npm-orders",
      Region: "ap-guangzhou",
      Backups: [
        { BackupId: "b-2", StartTime: "2026-06-02 02:00:00", Status: 2, BackupType: "1" },
        { BackupId: "b-1", StartTime: "2026-06-01 02:00:00", Status: 2, BackupType: "1" },
      ],
    },
  ],
};

function clientFor(mock, secretKey = mock.secretKey) {
  return new redis.v20180412.Client({
    credential: { secretId: mock.secretId, secretKey },
    region: mock.region,
    profile: { httpProfile: { endpoint: mock.host, protocol: mock.protocol, reqTimeout: 10 } },
  });
}

function list(mock, params = {}, secretKey = undefined) {
  return clientFor(mock, secretKey).DescribeInstanceBackups({ InstanceId: "crs-demo0001", ...params });
}

async function sdkError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected the SDK call to fail");
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/zombie/i.test(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** Polls (bounded) until `pid` is gone; the bound only turns a hang into a failure. */
async function gone(pid, ms = 15000) {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

test("the SDK lists the demo data and the journal records the call", async (t) => {
  const mock = await startMock();
  t.after(() => mock.stop());
  assert.match(mock.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(mock.protocol, "http://");
  assert.equal(mock.secretId, DEMO_SECRET_ID);
  assert.equal(mock.secretKey, DEMO_SECRET_KEY);
  assert.equal(mock.region, "ap-guangzhou");

  const page = await list(mock, { Limit: 5 });

  assert.ok(page.TotalCount > 5);
  assert.equal(page.BackupSet.length, 5);
  assert.deepEqual(new Set(page.BackupSet.map((b) => b.InstanceId)), new Set(["crs-demo0001"]));
  const [entry, ...rest] = await mock.journal();
  assert.equal(rest.length, 0);
  assert.equal(entry.action, "DescribeInstanceBackups");
  assert.equal(entry.secret_id, DEMO_SECRET_ID);
  assert.deepEqual(entry.params, { InstanceId: "crs-demo0001", Limit: 5 });
  assert.equal(entry.code, null);
  assert.equal(entry.verdict, "ok");
  assert.deepEqual(entry.leniency.sort(), ["host-without-port", "service-from-host-label"]);
});

test("a script answers the next call; reset forgets journal and scripts", async (t) => {
  const mock = await startMock();
  t.after(() => mock.stop());
  const id = await mock.script({
    name: "throttle once",
    match: { params: { InstanceId: "crs-demo0001" } },
    steps: [{ error: { code: "RequestLimitExceeded", message: "scripted" } }],
  });
  assert.equal(typeof id, "number");

  const error = await sdkError(list(mock));
  assert.equal(error.code, "RequestLimitExceeded");
  assert.ok(error.requestId, "the error carries the RequestId");
  assert.ok((await list(mock)).TotalCount > 0, "the only step is used up");
  assert.deepEqual((await mock.journal()).map((e) => e.script), [id, null]);

  await mock.reset();
  assert.deepEqual(await mock.journal(), []);
  assert.deepEqual(await mock.verify(), { ok: true });
});

test("stop() rejects with the mock's report when an expectation is unmet, and the process is gone", async () => {
  const mock = await startMock();
  await mock.script({ name: "expected but never sent", expect: { times: 1 } });
  const report = await mock.verify();
  assert.equal(report.ok, false);
  await assert.rejects(mock.stop(), (e) => {
    assert.ok(e instanceof MockError);
    assert.match(e.message, /tcredis-mock exited with 1: [\s\S]*expected but never sent/);
    return true;
  });
  assert.ok(await gone(mock.pid));
  await mock.stop(); // a second stop is harmless
  await assert.rejects(mock.journal(), /not running/);
});

test("an admin call the mock refuses rejects with its reason", async (t) => {
  const mock = await startMock();
  t.after(() => mock.stop());
  await assert.rejects(mock.script({ steps: [{ "no-such-step": true }] }), /POST \/_mock\/script answered 400: .+/);
});

test("seed object and credentials: the key travels in a file, never argv", async (t) => {
  const mock = await startMock({
    seed: SEED,
    credentials: { secretId: TEST_ID, secretKey: TEST_KEY },
    rateLimit: 0,
  });
  t.after(() => mock.stop());
  assert.equal(mock.secretId, TEST_ID);

  const page = await list(mock, { InstanceId: "crs-npm00001" });
  assert.deepEqual(page.BackupSet.map((b) => b.BackupId), ["b-2", "b-1"]);
  assert.equal(page.BackupSet[0].InstanceName, "npm-orders");

  const wrong = await sdkError(list(mock, { InstanceId: "crs-npm00001" }, TEST_KEY.slice(0, -1) + "X"));
  assert.equal(wrong.code, "AuthFailure.SignatureFailure");
  const cmdline = fs.readFileSync(`/proc/${mock.pid}/cmdline`, "utf8");
  assert.ok(!cmdline.includes(TEST_KEY));
  assert.ok(cmdline.includes("--credentials-file"));
});

test("faults and the rate limit from the options", async (t) => {
  const faulty = await startMock({ faults: ["internal-error:1"], randomSeed: 3 });
  t.after(() => faulty.stop());
  assert.equal((await sdkError(list(faulty))).code, "InternalError");
  assert.equal((await faulty.journal())[0].fault, "internal-error");

  const limited = await startMock({ rateLimit: 1 });
  t.after(() => limited.stop());
  const codes = [];
  for (let i = 0; i < 3; i++) {
    try {
      await list(limited);
      codes.push(null);
    } catch (e) {
      codes.push(e.code);
    }
  }
  // One token, refilled once a second: back-to-back calls cannot all pass.
  assert.equal(codes[0], null);
  assert.ok(codes.slice(1).includes("RequestLimitExceeded"), JSON.stringify(codes));
});

test("tls: https endpoint, the CA at caPath trusted through NODE_EXTRA_CA_CERTS", async (t) => {
  const mock = await startMock({ tls: true });
  t.after(() => mock.stop());
  assert.match(mock.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(mock.protocol, "https://");
  assert.match(fs.readFileSync(mock.caPath, "utf8"), /^-----BEGIN CERTIFICATE-----/);
  assert.equal(mock.ca, fs.readFileSync(mock.caPath, "utf8"));

  // NODE_EXTRA_CA_CERTS is read at process start, so the SDK call runs in a child process.
  const script = `
    const { redis } = require("tencentcloud-sdk-nodejs/tencentcloud/services/redis");
    const c = new redis.v20180412.Client({
      credential: { secretId: ${JSON.stringify(mock.secretId)}, secretKey: ${JSON.stringify(mock.secretKey)} },
      region: "ap-guangzhou",
      profile: { httpProfile: { endpoint: ${JSON.stringify(mock.host)}, protocol: "https://", reqTimeout: 10 } },
    });
    c.DescribeInstanceBackups({ InstanceId: "crs-demo0001", Limit: 1 }).then(
      (r) => console.log("ok " + r.BackupSet.length),
      (e) => console.log("error " + e.message));`;
  const run = (extraEnv) => {
    const env = { ...process.env, ...extraEnv };
    if (!extraEnv.NODE_EXTRA_CA_CERTS) delete env.NODE_EXTRA_CA_CERTS;
    return childProcess.execFileSync(process.execPath, ["-e", script], { env, encoding: "utf8" }).trim();
  };
  assert.equal(run({ NODE_EXTRA_CA_CERTS: mock.caPath }), "ok 1");
  assert.match(run({}), /^error .*(self.signed|unable to verify|certificate)/i);
  assert.equal((await mock.journal()).length, 1, "the refused handshake never reached it");
});

test("the clock: read, set and advanced", async (t) => {
  const mock = await startMock({ clock: "2026-05-01T10:00:00Z" });
  t.after(() => mock.stop());
  const start = await mock.clock();
  assert.match(start.now, /^2026-05-01T10:00:00/);
  assert.equal(start.frozen, true);

  assert.match((await mock.advance("1d")).now, /^2026-05-02T10:00:00/);
  assert.match((await mock.advance(90)).now, /^2026-05-02T10:01:30/);
  assert.match((await mock.set(new Date(Date.UTC(2026, 3, 1)))).now, /^2026-04-01T00:00:00/);
  assert.match((await mock.set("2026-04-01 08:00:00")).now, /^2026-04-01T00:00:00/, "Beijing time is UTC+8");
  assert.deepEqual(await mock.journal(), [], "clock calls are admin calls, not journaled");
  assert.throws(() => mock.advance(-1), RangeError);
});

test("advancing the frozen clock two days adds the two nightly backups the SDK then sees", async (t) => {
  const mock = await startMock({ clock: "frozen" });
  t.after(() => mock.stop());
  const before = (await list(mock)).TotalCount;
  await mock.advance("2d");
  assert.equal((await list(mock)).TotalCount, before + 2);
});

test("the binary is found through the option, TCREDIS_MOCK_BIN and PATH", async (t) => {
  const binary = findBinary();
  assert.equal(path.basename(binary), "tcredis-mock");
  assert.equal(findBinary(binary), binary);
  assert.equal(findBinary(undefined, { PATH: path.dirname(binary) }), binary);
  assert.throws(() => findBinary(undefined, { PATH: os.tmpdir() }), (e) => {
    assert.ok(e instanceof MockError);
    assert.match(e.message, /not found on PATH; set TCREDIS_MOCK_BIN/);
    return true;
  });
  assert.throws(() => findBinary("/nonexistent/tcredis-mock"), /binary names \/nonexistent\/tcredis-mock, which is not a file/);
  assert.throws(() => findBinary(undefined, { TCREDIS_MOCK_BIN: os.tmpdir() }), /TCREDIS_MOCK_BIN names .*, which is not a file/);

  const viaPath = await startMock({ env: { TCREDIS_MOCK_BIN: "", PATH: path.dirname(binary) } });
  t.after(() => viaPath.stop());
  assert.ok((await list(viaPath, { Limit: 1 })).TotalCount > 0);
});

test("bad input: a wrong seed field, an unknown option", async () => {
  const bad = { instances: [{ InstanceId: "crs-x", InstanceName: "x", Region: "ap-guangzhou", Backups: [{ BackupId: "b", StartTime: "2026-06-01 02:00:00", Status: "two" }] }] };
  await assert.rejects(startMock({ seed: bad }), (e) => {
    assert.ok(e instanceof MockError);
    assert.match(e.message, /exited with 2 before listening: .*Backups\[0\]\.Status/);
    return true;
  });
  await assert.rejects(startMock({ sed: "seed.json" }), /unknown startMock option\(s\) sed; accepted: .*seed/);
});

test("a process that forgets stop() does not leave the mock running", async () => {
  const script = `
    require("tcredis-mock")
      .startMock({ credentials: { secretId: "AKIDTCREDISNPMFORGET", secretKey: process.env.TCREDIS_TEST_KEY } })
      .then((m) => console.log(m.pid));`;
  // A private TMPDIR for the child, so what its mock leaves behind is visible.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tcredis-npm-test-"));
  try {
    const out = childProcess.execFileSync(process.execPath, ["-e", script], {
      encoding: "utf8",
      timeout: 30000,
      env: { ...process.env, TMPDIR: tmp, TCREDIS_TEST_KEY: TEST_KEY }, // never in argv
    });
    const pid = Number(out.trim());
    assert.ok(pid > 0);
    assert.ok(await gone(pid), "the mock exits once its parent's stdin pipe closes");
    assert.deepEqual(fs.readdirSync(tmp), [], "the credentials file's folder is removed when the parent exits");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
