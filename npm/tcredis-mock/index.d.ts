// Types of tcredis-mock for Node.js test suites (index.js).

/** A credential the mock accepts; passed to it in a private file, never in argv. */
export interface Credential {
  secretId: string;
  secretKey: string;
  /** With a token, requests must carry it as X-TC-Token. */
  token?: string;
}

/** A seed: `{"instances": [{InstanceId, InstanceName, Region, Backups: [...]}]}` (docs/mock.md). */
export interface Seed {
  instances: Array<{
    InstanceId: string;
    InstanceName?: string;
    Region?: string;
    Backups: Array<Record<string, unknown>>;
    [field: string]: unknown;
  }>;
  [key: string]: unknown;
}

/** Options of {@link startMock}; each maps to a flag of the `tcredis-mock` binary. */
export interface MockOptions {
  /** The executable; else `TCREDIS_MOCK_BIN`, else `tcredis-mock` on `PATH`. */
  binary?: string;
  /** A seed file path, or a seed object (written to a private temporary file). */
  seed?: string | Seed;
  /** `N` or `"N:INSTANCES"` generated backups instead of the demo data. */
  generate?: number | string;
  /** Accept these instead of the public demo pair; the first becomes `secretId`/`secretKey`. */
  credentials?: Credential | Credential[];
  /** Requests per second per SecretId and action; 0 turns the limit off (default 20). */
  rateLimit?: number;
  /** `"KIND:P"`: internal-error, throttle, drop, truncate, delay=MS, stall; e.g. `"throttle:0.1"`. */
  faults?: string[];
  /** Reproducible fault draws, RequestIds and STS credentials. */
  randomSeed?: number;
  /** Serve HTTPS; the CA certificate is at `caPath` (and in `ca`). */
  tls?: boolean;
  /** Refuse the loopback signature leniencies the Node SDK relies on. */
  strictSigning?: boolean;
  /** The mock clock: "real", "frozen" (at start), or an instant it starts frozen at. */
  clock?: "real" | "frozen" | string | Date;
  /** With a non-real clock: how many times faster than real time it runs. */
  clockSpeed?: number;
  /** The region reported as `region` (default "ap-guangzhou"). */
  region?: string;
  /** Further flags, passed as given. */
  args?: string[];
  /** Extra environment variables for the binary (e.g. `TCREDIS_NOW`). */
  env?: Record<string, string>;
  /** How long to wait for the `listening on` line (default 30000). */
  startupTimeoutMs?: number;
}

/** One request the mock saw (`GET /_mock/journal`); never holds a key, token or signature. */
export interface JournalEntry {
  seq: number;
  time_unix_ms: number;
  method: string;
  style: "tc3" | "v1" | "none";
  action: string | null;
  version: string | null;
  region: string | null;
  secret_id: string | null;
  params: Record<string, unknown> | null;
  code: string | null;
  verdict: "ok" | "error" | "drop" | "truncate" | "stall";
  signature: "not-checked" | "missing" | "skipped" | "valid" | "invalid";
  leniency: string[];
  script: number | null;
  fault: string | null;
  request_id: string | null;
  [field: string]: unknown;
}

/** One step of a script: at most one of `error`, `reply`, `fault`; `{}` handles normally. */
export interface ScriptStep {
  error?: { code: string; message?: string };
  reply?: Record<string, unknown>;
  fault?: string;
  delay_ms?: number;
  [field: string]: unknown;
}

/** A script (`POST /_mock/script`): queued answers and/or an expected number of requests. */
export interface ScriptSpec {
  name?: string;
  match?: {
    action?: string;
    secret_id?: string;
    region?: string;
    params?: Record<string, unknown>;
    [field: string]: unknown;
  };
  steps?: ScriptStep[];
  expect?: { times: number } | { min?: number; max?: number };
  [field: string]: unknown;
}

/** The mock clock (`GET|POST /_mock/clock`). */
export interface ClockState {
  /** RFC 3339. */
  now: string;
  frozen: boolean;
  speed: number;
}

/** A running mock. */
export interface Mock {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`). */
  readonly endpoint: string;
  /** `127.0.0.1:PORT`: the SDK's `httpProfile.endpoint`. */
  readonly host: string;
  /** `"http://"` or `"https://"`: the SDK's `httpProfile.protocol`. */
  readonly protocol: "http://" | "https://";
  readonly region: string;
  readonly secretId: string;
  readonly secretKey: string;
  readonly token: string | undefined;
  /** With `tls`: the CA certificate file (for `NODE_EXTRA_CA_CERTS`), removed by `stop()`. */
  readonly caPath: string | undefined;
  /** With `tls`: the CA certificate PEM (for an `https.Agent({ ca })`). */
  readonly ca: string | undefined;
  readonly pid: number | undefined;
  /** Requests seen, oldest first. */
  journal(): Promise<JournalEntry[]>;
  /** Queues answers for the next matching requests; resolves to the script's id. */
  script(spec: ScriptSpec): Promise<number>;
  /** Forgets the journal, scripts, rate-limit buckets and STS credentials (not the clock). */
  reset(): Promise<void>;
  /** Checks the scripts' expectations now. */
  verify(): Promise<{ ok: boolean; report?: string }>;
  clock(): Promise<ClockState>;
  /** Moves the clock forward: `"1d"`, `"26h"`, `"90s"`, or a number of seconds. */
  advance(duration: string | number): Promise<ClockState>;
  /** Sets the clock (RFC 3339, Beijing `"YYYY-MM-DD HH:MM:SS"`, or a Date); backwards is allowed. */
  set(instant: string | Date): Promise<ClockState>;
  /**
   * Stops the mock (closes its stdin; kills it after 10 s). Rejects with a {@link MockError}
   * holding the mock's report when it exits non-zero: an unmet script expectation.
   */
  stop(): Promise<void>;
}

/** Starts `tcredis-mock` on a free loopback port and resolves once it listens. */
export function startMock(options?: MockOptions): Promise<Mock>;

/** The executable `startMock` would run: `explicit`, `TCREDIS_MOCK_BIN`, or `PATH`. */
export function findBinary(explicit?: string | null, env?: Record<string, string | undefined>): string;

/** The clock API's duration text: strings pass through, numbers are seconds. */
export function durationText(value: string | number): string;

/** The clock API's instant text: strings pass through, a Date becomes RFC 3339 UTC. */
export function instantText(value: string | Date): string;

/** The binary is missing, failed to start or stop, or refused an admin call. */
export class MockError extends Error {
  constructor(message: string);
}

/** The public demo SecretId (not a secret). */
export const DEMO_SECRET_ID: string;
/** The public demo SecretKey (not a secret). */
export const DEMO_SECRET_KEY: string;
/** "ap-guangzhou". */
export const DEFAULT_REGION: string;
/** "TCREDIS_MOCK_BIN". */
export const BINARY_ENV: string;
