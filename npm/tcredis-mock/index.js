// tcredis-mock for Node.js test suites: starts the `tcredis-mock` binary on a free loopback port,
// reads the `listening on URL` line it prints first, and drives its admin API (journal, scripts,
// reset, verify, clock). No dependencies; types in index.d.ts.
//
// The binary is found through the `binary` option, the TCREDIS_MOCK_BIN environment variable,
// or PATH. Credentials given as options travel in a private temporary file, never in argv.
"use strict";

const childProcess = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const os = require("node:os");
const path = require("node:path");
const readline = require("node:readline");

const DEMO_SECRET_ID = "AKIDTCREDISDEMO000000000000000000000";
const DEMO_SECRET_KEY = "tcredis-demo-key-public-not-secret";
const DEFAULT_REGION = "ap-guangzhou";
const BINARY_ENV = "TCREDIS_MOCK_BIN";
const BINARY_NAME = process.platform === "win32" ? "tcredis-mock.exe" : "tcredis-mock";
const LISTENING = "listening on ";
const STDERR_KEPT = 16 * 1024;

// Scratch folders of mocks still running; removed when this process exits, even without stop().
const liveWorkDirs = new Set();
process.once("exit", () => {
  for (const dir of liveWorkDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** An error of this package: the binary is missing, failed to start or stop, or refused a call. */
class MockError extends Error {
  constructor(message) {
    super(message);
    this.name = "MockError";
  }
}

function isExecutable(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function checkedExecutable(file, source) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new MockError(`${source} names ${file}, which is not a file`);
  }
  if (!stat.isFile()) throw new MockError(`${source} names ${file}, which is not a file`);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new MockError(`${source} names ${file}, which is not executable`);
  }
  return path.resolve(file);
}

/**
 * The tcredis-mock executable: `explicit`, else $TCREDIS_MOCK_BIN, else the first on PATH.
 * Throws a MockError saying where it looked.
 */
function findBinary(explicit, env = process.env) {
  if (explicit !== undefined && explicit !== null) return checkedExecutable(String(explicit), "binary");
  if (env[BINARY_ENV]) return checkedExecutable(env[BINARY_ENV], BINARY_ENV);
  for (const dir of (env.PATH || "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, BINARY_NAME);
    if (isExecutable(candidate)) return candidate;
  }
  throw new MockError(
    `the ${BINARY_NAME} executable was not found on PATH; set ${BINARY_ENV}=/path/to/${BINARY_NAME} ` +
      "or pass { binary: ... } (install it with `cargo install tcredis-mock`, `pip install " +
      "tcredis-mock`, or from a release archive)",
  );
}

/** "1d", "26h", "90s" pass through; a number is seconds. */
function durationText(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) {
    if (value < 0) throw new RangeError(`a duration cannot be negative (got ${value} s); use set() to go back`);
    const millis = Math.round(value * 1000);
    return millis % 1000 === 0 ? `${millis / 1000}s` : `${millis}ms`;
  }
  throw new TypeError(`a duration is a string such as "1d" or a number of seconds, not ${String(value)}`);
}

/** RFC 3339 / Beijing "YYYY-MM-DD HH:MM:SS" strings pass through; a Date becomes RFC 3339 UTC. */
function instantText(value) {
  if (typeof value === "string") return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError("an invalid Date is not an instant");
    return value.toISOString().replace(".000Z", "Z");
  }
  throw new TypeError(`an instant is an RFC 3339 string or a Date, not ${String(value)}`);
}

function credentialList(credentials) {
  if (credentials === undefined || credentials === null) return [];
  const list = Array.isArray(credentials) ? credentials : [credentials];
  return list.map((c) => {
    if (!c || typeof c.secretId !== "string" || !c.secretId || typeof c.secretKey !== "string" || !c.secretKey) {
      throw new TypeError("credentials are { secretId, secretKey, token? } objects with non-empty strings");
    }
    return { secretId: c.secretId, secretKey: c.secretKey, token: c.token || undefined };
  });
}

function writePrivate(file, text) {
  fs.writeFileSync(file, text, { mode: 0o600 });
}

function buildArgs(options, work) {
  const args = ["--listen", "127.0.0.1:0", "--exit-on-stdin-eof"];
  if (options.seed !== undefined && options.generate !== undefined) {
    throw new MockError("give seed or generate, not both");
  }
  if (typeof options.seed === "string") {
    args.push("--seed", options.seed);
  } else if (options.seed !== undefined) {
    const file = path.join(work, "seed.json");
    fs.writeFileSync(file, JSON.stringify(options.seed));
    args.push("--seed", file);
  } else if (options.generate !== undefined) {
    args.push("--generate", String(options.generate));
  }
  const credentials = credentialList(options.credentials);
  if (credentials.length > 0) {
    const file = path.join(work, "credentials.json");
    const body = credentials.map((c) => ({
      SecretId: c.secretId,
      SecretKey: c.secretKey,
      ...(c.token ? { Token: c.token } : {}),
    }));
    writePrivate(file, JSON.stringify({ credentials: body }));
    args.push("--credentials-file", file);
  }
  if (options.rateLimit !== undefined) args.push("--rate-limit", String(options.rateLimit));
  for (const fault of options.faults || []) args.push("--fault", String(fault));
  if (options.randomSeed !== undefined) args.push("--random-seed", String(options.randomSeed));
  let caPath;
  if (options.tls) {
    caPath = path.join(work, "ca.pem");
    args.push("--tls", "--ca-out", caPath);
  }
  if (options.strictSigning) args.push("--strict-signing");
  if (options.clock !== undefined) {
    const clock = options.clock === "real" || options.clock === "frozen" ? options.clock : instantText(options.clock);
    args.push("--clock", clock);
  }
  if (options.clockSpeed !== undefined) args.push("--clock-speed", String(options.clockSpeed));
  for (const extra of options.args || []) args.push(String(extra));
  return { args, credentials, caPath };
}

const KNOWN_OPTIONS = new Set([
  "binary", "seed", "generate", "credentials", "rateLimit", "faults", "randomSeed", "tls",
  "strictSigning", "clock", "clockSpeed", "region", "args", "env", "startupTimeoutMs",
]);

/**
 * Starts tcredis-mock and resolves once it listens. See index.d.ts for the options and the
 * returned object.
 */
async function startMock(options = {}) {
  const unknown = Object.keys(options).filter((k) => !KNOWN_OPTIONS.has(k));
  if (unknown.length > 0) {
    throw new TypeError(`unknown startMock option(s) ${unknown.join(", ")}; accepted: ${[...KNOWN_OPTIONS].join(", ")}`);
  }
  const binary = findBinary(options.binary, { ...process.env, ...(options.env || {}) });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tcredis-mock-"));
  liveWorkDirs.add(work);
  let built;
  try {
    built = buildArgs(options, work);
  } catch (e) {
    fs.rmSync(work, { recursive: true, force: true });
    liveWorkDirs.delete(work);
    throw e;
  }
  const child = childProcess.spawn(binary, built.args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...(options.env || {}) },
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT);
  });
  // "close" comes after the exit and after stdout and stderr ended, so stderr is complete then.
  const exited = new Promise((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
  });
  exited.then(() => {
    fs.rmSync(work, { recursive: true, force: true });
    liveWorkDirs.delete(work);
  });
  const stderrText = () => stderr.trim();
  const withStderr = (message) => {
    const tail = stderrText();
    return new MockError(tail ? `${message}: ${tail}` : message);
  };

  const timeoutMs = options.startupTimeoutMs ?? 30000;
  const lines = readline.createInterface({ input: child.stdout });
  let timer;
  const first = await Promise.race([
    new Promise((resolve) => lines.once("line", (line) => resolve({ line }))),
    exited.then((exit) => ({ exit })),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve({ timeout: true }), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (first.exit) {
    if (first.exit.error) throw new MockError(`cannot start ${binary}: ${first.exit.error.message}`);
    throw withStderr(`tcredis-mock exited with ${first.exit.code ?? first.exit.signal} before listening`);
  }
  if (first.timeout || !first.line.startsWith(LISTENING)) {
    child.kill("SIGKILL");
    await exited;
    throw withStderr(
      first.timeout
        ? `tcredis-mock printed no line within ${timeoutMs} ms`
        : `tcredis-mock printed ${JSON.stringify(first.line)} instead of "listening on URL"`,
    );
  }
  // Keep stdout drained; let the process exit even if a test forgets stop(): the mock then
  // sees its stdin close and exits on its own (--exit-on-stdin-eof).
  lines.on("line", () => {});
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream.unref?.();

  const endpoint = first.line.slice(LISTENING.length).trim();
  const url = new URL(endpoint);
  const ca = built.caPath ? fs.readFileSync(built.caPath, "utf8") : undefined;
  const [firstCredential] = built.credentials;
  let stopped = false;

  function admin(method, route, body) {
    if (stopped) return Promise.reject(new MockError(`the mock is not running (/_mock/${route})`));
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        {
          host: url.hostname,
          port: url.port,
          path: `/_mock/${route}`,
          method,
          ca,
          agent: false,
          timeout: 30000,
          headers: data ? { "content-type": "application/json", "content-length": data.length } : {},
        },
        (response) => {
          const chunks = [];
          response.on("data", (c) => chunks.push(c));
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed;
            try {
              parsed = JSON.parse(text);
            } catch {
              reject(new MockError(`${method} /_mock/${route} answered ${response.statusCode} with non-JSON: ${text.slice(0, 200)}`));
              return;
            }
            if (response.statusCode !== 200) {
              reject(new MockError(`${method} /_mock/${route} answered ${response.statusCode}: ${parsed.error ?? text}`));
            } else {
              resolve(parsed);
            }
          });
        },
      );
      request.on("timeout", () => request.destroy(new Error("no answer within 30 s")));
      request.on("error", (e) => reject(new MockError(`${method} /_mock/${route} failed: ${e.message}`)));
      request.end(data);
    });
  }

  return {
    endpoint,
    host: url.host,
    protocol: `${url.protocol}//`,
    region: options.region ?? DEFAULT_REGION,
    secretId: firstCredential ? firstCredential.secretId : DEMO_SECRET_ID,
    secretKey: firstCredential ? firstCredential.secretKey : DEMO_SECRET_KEY,
    token: firstCredential ? firstCredential.token : undefined,
    caPath: built.caPath,
    ca,
    pid: child.pid,
    journal: async () => (await admin("GET", "journal")).entries,
    script: async (spec) => (await admin("POST", "script", spec ?? {})).id,
    reset: async () => {
      await admin("POST", "reset", {});
    },
    verify: () => admin("GET", "verify"),
    clock: () => admin("GET", "clock"),
    advance: (duration) => admin("POST", "clock", { advance: durationText(duration) }),
    set: (instant) => admin("POST", "clock", { set: instantText(instant) }),
    async stop() {
      if (stopped) return;
      stopped = true;
      child.ref();
      for (const stream of [child.stdin, child.stdout, child.stderr]) stream.ref?.();
      child.stdin.end();
      let timer;
      const result = await Promise.race([
        exited,
        new Promise((resolve) => {
          timer = setTimeout(() => resolve(undefined), 10000);
        }),
      ]);
      clearTimeout(timer);
      if (result === undefined) {
        child.kill("SIGKILL");
        await exited;
        throw withStderr("tcredis-mock ignored the end of its stdin for 10 s; killed it");
      }
      if (result.code !== 0) {
        throw withStderr(`tcredis-mock exited with ${result.code ?? result.signal}`);
      }
    },
  };
}

module.exports = {
  startMock,
  findBinary,
  durationText,
  instantText,
  MockError,
  DEMO_SECRET_ID,
  DEMO_SECRET_KEY,
  DEFAULT_REGION,
  BINARY_ENV,
};
