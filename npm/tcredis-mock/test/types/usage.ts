// Compiled (never run) by `cargo xtask npm` with `tsc -p` against the packed package's
// index.d.ts: correct uses must type-check, and each `@ts-expect-error` line must be an error.

import {
  DEMO_SECRET_ID,
  MockError,
  findBinary,
  startMock,
  type ClockState,
  type JournalEntry,
  type Mock,
  type MockOptions,
} from "tcredis-mock";

export async function usage(): Promise<void> {
  const options: MockOptions = {
    seed: {
      instances: [
        { InstanceId: "crs-x", InstanceName: "x", Region: "ap-guangzhou", Backups: [{ BackupId: "b", Status: 2 }] },
      ],
    },
    credentials: [{ secretId: "AKIDEXAMPLE", secretKey: "example-key", token: "t" }],
    rateLimit: 0,
    faults: ["throttle:0.1", "delay=100:0.5"],
    randomSeed: 7,
    tls: true,
    clock: new Date(0),
    clockSpeed: 2,
    args: ["--strict-signing"],
    env: { TCREDIS_NOW: "2026-05-01T10:00:00Z" },
  };
  const mock: Mock = await startMock(options);
  const endpoint: string = mock.endpoint;
  const protocol: "http://" | "https://" = mock.protocol;
  const ca: string | undefined = mock.ca;
  const entries: JournalEntry[] = await mock.journal();
  const code: string | null = entries[0].code;
  const id: number = await mock.script({
    name: "throttle once",
    match: { action: "DescribeInstanceBackups", params: { InstanceId: "crs-x" } },
    steps: [{ error: { code: "RequestLimitExceeded" } }, { fault: "drop" }, {}],
    expect: { times: 2 },
  });
  const clock: ClockState = await mock.advance("1d");
  const frozen: boolean = (await mock.set(new Date())).frozen;
  const speed: number = (await mock.clock()).speed;
  const verified: boolean = (await mock.verify()).ok;
  await mock.reset();
  await mock.stop();
  const binary: string = findBinary();
  const error: Error = new MockError("x");
  const demo: string = DEMO_SECRET_ID;
  void [endpoint, protocol, ca, code, id, clock.now, frozen, speed, verified, binary, error, demo];

  // @ts-expect-error: rateLimit is a number
  await startMock({ rateLimit: "20" });
  // @ts-expect-error: an unknown option (a typo of seed)
  await startMock({ sed: "seed.json" });
  // @ts-expect-error: credentials are objects, not tuples
  await startMock({ credentials: ["AKID", "key"] });
  // @ts-expect-error: advance takes a duration string or seconds, not a Date
  await mock.advance(new Date());
  // @ts-expect-error: the endpoint is read-only
  mock.endpoint = "http://elsewhere";
  // @ts-expect-error: script ids are numbers
  const wrong: string = await mock.script({});
  void wrong;
}
