import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isBlockedAddress } from "@/server/egress/blocked-addresses";
import { guardedFetch } from "@/server/egress/guarded-fetch";

describe("blocked addresses", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "not-an-address",
  ])("blocks %s", (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1"])("allows %s", (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});

describe("guarded fetch", () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.end("secret internal data");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
  });

  it.each([
    () => `http://127.0.0.1:${port}/`,
    () => `http://[::ffff:127.0.0.1]:${port}/`,
    () => `http://0x7f000001:${port}/`,
    () => `http://localhost:${port}/`,
  ])("refuses an internal destination without connecting (%#)", async (target) => {
    await expect(guardedFetch(target())).rejects.toMatchObject({ code: "egress_blocked", retriable: false });
    expect(hits).toBe(0);
  });
});
