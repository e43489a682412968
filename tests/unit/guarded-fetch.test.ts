import type { LookupAddress } from "node:dns";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAddress } from "@/server/egress/classify-address";
import { createGuardedFetch, guardedFetch, NODE_EGRESS } from "@/server/egress/guarded-fetch";
import type { Resolve } from "@/server/egress/guarded-lookup";

/** A server that counts requests, on one loopback address. */
async function countingServer(
  host: string,
  answer: http.RequestListener = (_req, res) => res.end("internal"),
) {
  const state = { hits: 0, port: 0, server: http.createServer() };
  state.server.on("request", (req, res) => {
    state.hits++;
    answer(req, res);
  });
  await new Promise<void>((resolve) => state.server.listen(0, host, resolve));
  state.port = (state.server.address() as AddressInfo).port;
  return state;
}

/** A resolver for names that exist only in this test (no internet here). */
function fakeDns(records: Record<string, string | (() => string)>): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    calls.push(hostname);
    const record = records[hostname];
    if (record === undefined) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    const address = typeof record === "function" ? record() : record;
    return [{ address, family: address.includes(":") ? 6 : 4 }];
  };
  return Object.assign(resolve, { calls });
}

/**
 * The test's stand-in for "the public internet": 127.0.0.1 is let through, everything else is judged
 * by the real table. Its servers on 127.0.0.2 play the internal services.
 */
const publicLoopback = (address: string) =>
  address === "127.0.0.1" ? undefined : classifyAddress(address, NODE_EGRESS);

const refusal = (pattern: RegExp) => ({
  code: "egress_blocked",
  retriable: false,
  message: expect.stringMatching(pattern),
});

describe("guarded fetch", () => {
  let internal: Awaited<ReturnType<typeof countingServer>>;
  let front: Awaited<ReturnType<typeof countingServer>>;
  let nextLocation = "";
  beforeAll(async () => {
    internal = await countingServer("127.0.0.2");
    front = await countingServer("127.0.0.1", (_req, res) => {
      if (nextLocation) res.writeHead(302, { location: nextLocation, connection: "close" }).end();
      else res.writeHead(200, { connection: "close" }).end("front");
    });
  });
  afterAll(() => {
    internal.server.close();
    front.server.close();
  });

  it.each([
    () => `http://127.0.0.2:${internal.port}/`,
    () => `http://[::ffff:127.0.0.2]:${internal.port}/`,
    // The probe: IPv4-compatible IPv6 used to pass the guard.
    () => `http://[::127.0.0.2]:${internal.port}/`,
    () => `http://[64:ff9b::7f00:2]:${internal.port}/`,
    () => `http://[2002:7f00:2::]:${internal.port}/`,
    // Odd IPv4 spellings, which the URL parser turns into 127.0.0.2 before the guard sees them.
    () => `http://2130706434:${internal.port}/`,
    () => `http://0x7f.2:${internal.port}/`,
    () => `http://0x7f000002:${internal.port}/`,
    () => `http://127.2:${internal.port}/`,
    () => `http://0177.0.0.2:${internal.port}/`,
    () => `http://localhost:${internal.port}/`,
  ])("refuses an internal destination without connecting (%#)", async (target) => {
    await expect(guardedFetch(target())).rejects.toMatchObject(refusal(/^refused: .*(127\.0\.0|::1)/));
    expect(internal.hits).toBe(0);
  });

  it("names the refused range and the switch that lifts the guard", async () => {
    await expect(guardedFetch("http://192.0.2.1/")).rejects.toMatchObject(
      refusal(
        /^refused: 192\.0\.2\.1 is in 192\.0\.2\.0\/24, TEST-NET-1 \(documentation\);.*HTTP_NODE_ALLOW_PRIVATE_NETWORKS/,
      ),
    );
  });

  it("refuses, at connect, a name that resolves to a refused address", async () => {
    const dns = fakeDns({ "internal.test": "127.0.0.2", "metadata.test": "169.254.169.254" });
    const fetch = createGuardedFetch({ check: publicLoopback, resolve: dns });
    await expect(fetch(`http://internal.test:${internal.port}/`)).rejects.toMatchObject(
      refusal(/^refused: internal\.test resolves to 127\.0\.0\.2, which is in 127\.0\.0\.0\/8, Loopback/),
    );
    await expect(fetch("http://metadata.test/latest/meta-data/")).rejects.toMatchObject(
      refusal(/Link-Local \(cloud metadata\)/),
    );
    expect(dns.calls).toEqual(["internal.test", "metadata.test"]);
    expect(internal.hits).toBe(0);
  });

  it("judges each connection by the address it connects to, so a re-pointed name is refused", async () => {
    let answer = "127.0.0.1";
    const dns = fakeDns({ "rebind.test": () => answer });
    const fetch = createGuardedFetch({ check: publicLoopback, resolve: dns });
    nextLocation = "";
    // The front server closes every connection, so the second request needs a new one.
    expect(await (await fetch(`http://rebind.test:${front.port}/`)).text()).toBe("front");
    answer = "127.0.0.2";
    await expect(fetch(`http://rebind.test:${internal.port}/`)).rejects.toMatchObject(
      refusal(/127\.0\.0\.2/),
    );
    expect(internal.hits).toBe(0);
  });

  it.each([
    () => `http://127.0.0.2:${internal.port}/`,
    () => `http://[::127.0.0.2]:${internal.port}/`,
    () => `http://internal.test:${internal.port}/`,
  ])("refuses a redirect hop to an internal destination (%#)", async (location) => {
    const fetch = createGuardedFetch({
      check: publicLoopback,
      resolve: fakeDns({ "internal.test": "127.0.0.2" }),
    });
    nextLocation = location();
    const before = front.hits;
    await expect(fetch(`http://127.0.0.1:${front.port}/`)).rejects.toMatchObject(refusal(/127\.0\.0\.2/));
    expect(front.hits).toBe(before + 1);
    expect(internal.hits).toBe(0);
  });
});
