import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { classifyAddress, describeRefusal } from "@/server/egress/classify-address";
import { NODE_EGRESS } from "@/server/egress/guarded-fetch";
import { SPECIAL_PURPOSE_IPV4, SPECIAL_PURPOSE_IPV6 } from "@/server/egress/special-purpose-addresses";
import { SQL_EGRESS } from "@/server/sql/database-egress";

type Verdict = "allowed" | { range: string; name: string };
const refused = (range: string, name: string): Verdict => ({ range, name });

/**
 * One row per registry entry (at least), the embedded-IPv4 forms, and public addresses that must pass.
 * `range` is the entry that refuses the address: for an address that carries an IPv4 address, the
 * entry of that IPv4 address.
 */
const TABLE: [address: string, verdict: Verdict][] = [
  // IPv4 Special-Purpose Address Registry, multicast and the rest of the reserved space
  ["0.0.0.0", refused("0.0.0.0/8", '"This network"')],
  ["0.1.2.3", refused("0.0.0.0/8", '"This network"')],
  ["10.0.0.1", refused("10.0.0.0/8", "Private-Use")],
  ["100.64.0.1", refused("100.64.0.0/10", "Shared Address Space (carrier-grade NAT)")],
  ["100.127.255.254", refused("100.64.0.0/10", "Shared Address Space (carrier-grade NAT)")],
  ["127.0.0.1", refused("127.0.0.0/8", "Loopback")],
  ["127.255.255.254", refused("127.0.0.0/8", "Loopback")],
  ["169.254.169.254", refused("169.254.0.0/16", "Link-Local (cloud metadata)")],
  ["172.16.0.1", refused("172.16.0.0/12", "Private-Use")],
  ["172.31.255.255", refused("172.16.0.0/12", "Private-Use")],
  ["192.0.0.9", refused("192.0.0.0/24", "IETF Protocol Assignments")],
  ["192.0.0.170", refused("192.0.0.0/24", "IETF Protocol Assignments")],
  ["192.0.2.1", refused("192.0.2.0/24", "TEST-NET-1 (documentation)")],
  ["192.31.196.1", refused("192.31.196.0/24", "AS112-v4")],
  ["192.52.193.1", refused("192.52.193.0/24", "AMT")],
  ["192.88.99.1", refused("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)")],
  ["192.168.1.1", refused("192.168.0.0/16", "Private-Use")],
  ["192.175.48.1", refused("192.175.48.0/24", "Direct Delegation AS112 Service")],
  ["198.18.0.1", refused("198.18.0.0/15", "Benchmarking")],
  ["198.19.255.254", refused("198.18.0.0/15", "Benchmarking")],
  ["198.51.100.7", refused("198.51.100.0/24", "TEST-NET-2 (documentation)")],
  ["203.0.113.9", refused("203.0.113.0/24", "TEST-NET-3 (documentation)")],
  ["224.0.0.1", refused("224.0.0.0/4", "Multicast")],
  ["239.255.255.250", refused("224.0.0.0/4", "Multicast")],
  ["240.0.0.1", refused("240.0.0.0/4", "Reserved (future use)")],
  ["255.255.255.255", refused("255.255.255.255/32", "Limited Broadcast")],
  // IPv6 Special-Purpose Address Registry, multicast and unassigned space
  ["::", refused("::/128", "Unspecified Address")],
  ["::1", refused("::1/128", "Loopback Address")],
  ["[::1]", refused("::1/128", "Loopback Address")],
  ["0:0:0:0:0:0:0:1", refused("::1/128", "Loopback Address")],
  ["::127.0.0.1", refused("::/96", "IPv4-compatible (deprecated)")],
  ["::8.8.8.8", refused("::/96", "IPv4-compatible (deprecated)")],
  ["64:ff9b:1::a00:1", refused("64:ff9b:1::/48", "Local-Use IPv4/IPv6 Translation (NAT64)")],
  ["100::1", refused("100::/64", "Discard-Only Address Block")],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", refused("2001::/32", "TEREDO")],
  ["2001:2::1", refused("2001:2::/48", "Benchmarking")],
  ["2001:1::1", refused("2001::/23", "IETF Protocol Assignments")],
  ["2001:20::1", refused("2001::/23", "IETF Protocol Assignments")],
  ["2001:db8::1", refused("2001:db8::/32", "Documentation")],
  ["2620:4f:8000::1", refused("2620:4f:8000::/48", "Direct Delegation AS112 Service")],
  ["3fff::1", refused("3fff::/20", "Documentation")],
  ["5f00::1", refused("5f00::/16", "Segment Routing (SRv6) SIDs")],
  ["fc00::1", refused("fc00::/7", "Unique-Local")],
  ["fd12:3456::1", refused("fc00::/7", "Unique-Local")],
  ["fe80::1", refused("fe80::/10", "Link-Local Unicast")],
  ["fe80::1%eth0", refused("fe80::/10", "Link-Local Unicast")],
  ["fec0::1", refused("fec0::/10", "Site-Local (deprecated)")],
  ["ff02::1", refused("ff00::/8", "Multicast")],
  ["4000::1", refused("2000::/3", "unassigned")],
  // IPv6 that carries an IPv4 address: judged by that address
  ["::ffff:127.0.0.1", refused("127.0.0.0/8", "Loopback")],
  ["::ffff:7f00:1", refused("127.0.0.0/8", "Loopback")],
  ["::ffff:169.254.169.254", refused("169.254.0.0/16", "Link-Local (cloud metadata)")],
  ["64:ff9b::7f00:1", refused("127.0.0.0/8", "Loopback")],
  ["64:ff9b::192.0.2.1", refused("192.0.2.0/24", "TEST-NET-1 (documentation)")],
  ["2002:7f00:1::", refused("127.0.0.0/8", "Loopback")],
  ["2002:a9fe:a9fe::1", refused("169.254.0.0/16", "Link-Local (cloud metadata)")],
  // the public internet
  ["8.8.8.8", "allowed"],
  ["1.1.1.1", "allowed"],
  ["93.184.216.34", "allowed"],
  ["172.32.0.1", "allowed"],
  ["100.128.0.1", "allowed"],
  ["198.20.0.1", "allowed"],
  ["223.255.255.255", "allowed"],
  ["2606:4700:4700::1111", "allowed"],
  ["2a00:1450:4001:81b::200e", "allowed"],
  ["::ffff:8.8.8.8", "allowed"],
  ["64:ff9b::808:808", "allowed"],
  ["2002:808:808::1", "allowed"],
];

describe("egress: which addresses workflow nodes may reach", () => {
  it.each(TABLE)("%s → %o", (address, verdict) => {
    const refusal = classifyAddress(address, NODE_EGRESS);
    if (verdict === "allowed") {
      expect(refusal).toBeUndefined();
      return;
    }
    expect(refusal?.category).toBe(verdict.name);
    expect(refusal?.why).toContain(verdict.range);
  });

  it("has a row for every entry of the table it checks", () => {
    const ranges = new Set(TABLE.flatMap(([, verdict]) => (verdict === "allowed" ? [] : [verdict.range])));
    for (const entry of [...SPECIAL_PURPOSE_IPV4, ...SPECIAL_PURPOSE_IPV6]) {
      expect(ranges, entry.range).toContain(entry.range);
    }
  });

  it.each(["not-an-address", "localhost", "", "2130706433", "0x7f.1", "127.1"])(
    "refuses what is not an IP address: %j",
    (host) => {
      expect(classifyAddress(host, NODE_EGRESS)?.category).toBe("not an IP address");
    },
  );

  it("says what was refused and why, naming the carried address", () => {
    const describe = (address: string, hostname?: string) =>
      describeRefusal(classifyAddress(address, NODE_EGRESS) ?? expect.fail(address), hostname);
    expect(describe("192.0.2.1")).toBe("192.0.2.1 is in 192.0.2.0/24, TEST-NET-1 (documentation)");
    expect(describe("::ffff:7f00:1")).toBe(
      "::ffff:7f00:1 embeds 127.0.0.1 (IPv4-mapped, ::ffff:0:0/96), which is in 127.0.0.0/8, Loopback",
    );
    expect(describe("::7f00:1")).toBe(
      "::7f00:1 is in ::/96, IPv4-compatible (deprecated) (it embeds 127.0.0.1)",
    );
    expect(describe("2001:0:4136:e378:8000:63bf:3fff:fdd2")).toMatch(/TEREDO \(a tunnel to 192\.0\.2\.45\)$/);
    expect(describe("169.254.169.254", "metadata.test")).toBe(
      "metadata.test resolves to 169.254.169.254, which is in 169.254.0.0/16, Link-Local (cloud metadata)",
    );
  });
});

describe("egress: the sql node's policy", () => {
  it.each(["10.0.0.5", "172.16.3.4", "192.168.1.10", "100.64.0.1", "fd12::1", "::ffff:10.0.0.5", "8.8.8.8"])(
    "lets private networks (where databases live) and the internet through: %s",
    (address) => {
      expect(classifyAddress(address, SQL_EGRESS)).toBeUndefined();
    },
  );

  it.each(
    TABLE.filter(
      ([, verdict]) => verdict !== "allowed" && !/Private-Use|Shared|Unique-Local/.test(verdict.name),
    ),
  )("refuses the rest as workflow nodes do: %s", (address, verdict) => {
    expect(classifyAddress(address, SQL_EGRESS)?.category).toBe((verdict as { name: string }).name);
  });
});

const ownAddresses = Object.values(networkInterfaces())
  .flatMap((entries) => entries ?? [])
  .map((entry) => entry.address);

describe("egress: the host's own addresses", () => {
  it.skipIf(ownAddresses.length === 0).each(ownAddresses)("refuses %s under either policy", (address) => {
    expect(classifyAddress(address, NODE_EGRESS)).toBeDefined();
    const sql = classifyAddress(address, SQL_EGRESS);
    expect(sql).toBeDefined();
    // A private address of this very host is refused even where private networks are not.
    if (/^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.|f[cd])/i.test(address))
      expect(sql?.category).toBe("this host");
  });
});
