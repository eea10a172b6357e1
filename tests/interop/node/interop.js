// The official Node.js SDK (tencentcloud-sdk-nodejs, redis v20180412) against tcredis-mock.
//
// Run by `cargo xtask interop` with NODE_PATH pointing at target/interop/node/node_modules
// (installed by `npm ci` from the committed package-lock.json). Reads the mock URL, the seed
// path and the credentials from the environment (never argv) and prints nothing secret.
//
// The Node SDK signs the Host without its port and computes the credential scope's service as
// `endpoint.split(".")[0]` (here `127`); the mock accepts both on loopback hosts only.
"use strict";

const fs = require("fs");
const { redis } = require("tencentcloud-sdk-nodejs/tencentcloud/services/redis");

const Client = redis.v20180412.Client;
const REGION = "ap-guangzhou";

function env(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`interop: ${name} is not set (run through \`cargo xtask interop\`)`);
    process.exit(2);
  }
  return v;
}

const url = new URL(env("TCREDIS_MOCK_URL"));
const hostPort = url.host; // "127.0.0.1:PORT"
const secretId = env("TENCENTCLOUD_SECRET_ID");
const secretKey = env("TENCENTCLOUD_SECRET_KEY");

// The seed with the mock's inheritance and listing order (StartTime desc, then BackupId desc).
const seed = JSON.parse(fs.readFileSync(env("TCREDIS_INTEROP_SEED"), "utf8"));
const listings = {};
for (const inst of seed.instances) {
  const backups = inst.Backups.map((b) => ({
    InstanceId: inst.InstanceId,
    InstanceName: inst.InstanceName,
    Region: inst.Region,
    ...b,
  }));
  backups.sort((a, b) => {
    if (a.StartTime !== b.StartTime) return a.StartTime < b.StartTime ? 1 : -1;
    const x = Buffer.from(a.BackupId);
    const y = Buffer.from(b.BackupId);
    return -Buffer.compare(x, y);
  });
  listings[inst.InstanceId] = backups;
}

// DescribeInstances' InstanceSet for a region: InstanceId order, every seeded field but Backups.
function described(region, keep = () => true) {
  return seed.instances
    .filter((i) => i.Region === region && keep(i))
    .map(({ Backups, ...fields }) => ({ Status: 2, ...fields }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.InstanceId), Buffer.from(b.InstanceId)));
}

function assertInstances(items, expected, what) {
  assertEq(items.map((i) => i.InstanceId), expected.map((e) => e.InstanceId), `${what} InstanceIds in order`);
  items.forEach((got, n) => {
    for (const [k, v] of Object.entries(expected[n])) assertEq(got[k], v, `${what} ${got.InstanceId}.${k}`);
  });
}

function client(key = secretKey, region = REGION) {
  return new Client({
    credential: { secretId, secretKey: key },
    region,
    profile: { httpProfile: { endpoint: hostPort, protocol: "http://", reqTimeout: 10 } },
  });
}

function assertEq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

// Each item is exactly the seed's: the same keys (extra ones included) and every value.
function assertItems(items, expected, what) {
  assertEq(items.map((i) => i.BackupId), expected.map((e) => e.BackupId), `${what} BackupIds in order`);
  items.forEach((got, n) => {
    assertEq(Object.keys(got).sort(), Object.keys(expected[n]).sort(), `${what} ${got.BackupId} keys`);
    for (const [k, v] of Object.entries(expected[n])) assertEq(got[k], v, `${what} ${got.BackupId}.${k}`);
  });
}

async function expectError(promise, code) {
  let resp;
  try {
    resp = await promise;
  } catch (e) {
    assertEq(e.code, code, "error code");
    if (!e.requestId) throw new Error("the error carries no RequestId");
    return;
  }
  throw new Error(`expected ${code}, got a response with TotalCount ${resp.TotalCount}`);
}

const cases = [
  async function lists_an_instance() {
    const resp = await client().DescribeInstanceBackups({ InstanceId: "crs-interop01", Limit: 100 });
    assertEq(resp.TotalCount, listings["crs-interop01"].length, "TotalCount");
    assertItems(resp.BackupSet, listings["crs-interop01"], "page");
    if (!resp.RequestId) throw new Error("no RequestId");
  },
  async function pagination_loop_yields_every_backup_exactly_once() {
    const c = client();
    const expected = listings["crs-interop03"].map((b) => b.BackupId);
    const seen = [];
    for (let offset = 0, pages = 0; ; pages++) {
      if (pages > 10) throw new Error("runaway pagination");
      const resp = await c.DescribeInstanceBackups({ InstanceId: "crs-interop03", Limit: 100, Offset: offset });
      assertEq(resp.TotalCount, expected.length, "TotalCount");
      if (resp.BackupSet.length === 0) throw new Error(`empty page at offset ${offset}`);
      seen.push(...resp.BackupSet.map((b) => b.BackupId));
      offset += resp.BackupSet.length;
      if (offset >= resp.TotalCount) break;
    }
    assertEq(new Set(seen).size, seen.length, "no BackupId repeated");
    assertEq(seen, expected, "every BackupId exactly once, in listing order");
  },
  async function non_ascii_instance_name() {
    const resp = await client().DescribeInstanceBackups({ InstanceName: "测试实例", Limit: 100 });
    assertItems(resp.BackupSet, listings["crs-interop02"], "InstanceName 测试实例");
  },
  async function unknown_instance_is_resource_not_found() {
    await expectError(client().DescribeInstanceBackups({ InstanceId: "crs-doesnotexist" }),
      "ResourceNotFound.InstanceNotExists");
  },
  async function wrong_secret_key_is_signature_failure() {
    await expectError(client("wrong-key-for-interop").DescribeInstanceBackups({ InstanceId: "crs-interop01" }),
      "AuthFailure.SignatureFailure");
  },
  async function describe_instances_lists_the_region() {
    const resp = await client().DescribeInstances({ Limit: 1000 });
    const expected = described(REGION);
    assertEq(resp.TotalCount, expected.length, "TotalCount");
    assertInstances(resp.InstanceSet, expected, "InstanceSet");
  },
  async function describe_instances_project_and_status_filters() {
    const resp = await client().DescribeInstances({ ProjectIds: [1], Status: [2], Limit: 50 });
    assertInstances(resp.InstanceSet, described(REGION, (i) => i.ProjectId === 1 && i.Status === 2),
      "ProjectIds [1], Status [2]");
  },
  async function describe_auto_backup_config_of_the_scheduled_instance() {
    const resp = await client(secretKey, "ap-chengdu").DescribeAutoBackupConfig({ InstanceId: "crs-interop05" });
    assertEq(resp.TimePeriod, "02:00-03:00", "TimePeriod");
    assertEq(resp.WeekDays.length, 7, "WeekDays");
    assertEq(resp.BackupStorageDays, 3, "BackupStorageDays");
    const none = await client().DescribeAutoBackupConfig({ InstanceId: "crs-interop01" });
    assertEq(none.WeekDays, [], "no schedule");
  },
  async function limit_over_100_is_invalid_parameter() {
    await expectError(client().DescribeInstanceBackups({ InstanceId: "crs-interop01", Limit: 101 }),
      "InvalidParameter.InvalidParameter");
  },
];

(async () => {
  let passed = 0;
  for (const c of cases) {
    try {
      await c();
      passed++;
      console.log(`PASS ${c.name}`);
    } catch (e) {
      console.log(`FAIL ${c.name}: ${e.code ? e.code + ": " : ""}${e.message}`);
    }
  }
  console.log(`interop-summary: suite=node-sdk ran=${cases.length} passed=${passed}`);
  process.exitCode = passed === cases.length ? 0 : 1;
})();
