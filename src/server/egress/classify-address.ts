import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";
import {
  GLOBAL_UNICAST_IPV6,
  SPECIAL_PURPOSE_IPV4,
  SPECIAL_PURPOSE_IPV6,
  type SpecialPurposeRange,
} from "./special-purpose-addresses";

/** What a caller may reach beyond the public internet. */
export type EgressPolicy = {
  /** Private-Use, Shared Address Space and Unique-Local ranges are reachable (sql nodes: databases live there). */
  privateNetworks: boolean;
};

/** Why an address is refused: `${address} ${why}` reads as a sentence. */
export type Refusal = {
  address: string;
  /** The registry name of the range that refused it (for an embedded IPv4 address, that address's range). */
  category: string;
  why: string;
};

type Matcher = SpecialPurposeRange & { list: BlockList };

function matcher(entry: SpecialPurposeRange, family: "ipv4" | "ipv6"): Matcher {
  const [network = "", prefix = ""] = entry.range.split("/");
  const list = new BlockList();
  list.addSubnet(network, Number(prefix), family);
  return { ...entry, list };
}

const IPV4 = SPECIAL_PURPOSE_IPV4.map((entry) => matcher(entry, "ipv4"));
const IPV6 = SPECIAL_PURPOSE_IPV6.map((entry) => matcher(entry, "ipv6"));
const globalUnicast = matcher({ range: GLOBAL_UNICAST_IPV6, name: "global unicast" }, "ipv6");

/**
 * Whether `address` (an IP literal, brackets and zone id allowed) may be connected to under `policy`;
 * undefined when it may. Anything that is not an IP address is refused: names are resolved first, and
 * the addresses they resolve to are what gets judged.
 */
export function classifyAddress(address: string, policy: EgressPolicy): Refusal | undefined {
  const bare = bareAddress(address);
  const family = isIP(bare);
  if (family === 4) return ipv4Refusal(bare, policy);
  if (family !== 6) return { address, category: "not an IP address", why: "is not an IP address" };
  const groups = ipv6Groups(bare);
  const canonical = groups.map((group) => group.toString(16)).join(":");

  const embedded = embeddedIPv4(groups);
  if (embedded) {
    const inner = ipv4Refusal(embedded.ipv4, policy);
    return (
      inner && {
        address: bare,
        category: inner.category,
        why: `embeds ${embedded.ipv4} (${embedded.kind}), which ${inner.why}`,
      }
    );
  }
  const entry = IPV6.find((candidate) => candidate.list.check(canonical, "ipv6"));
  if (entry && !(entry.privateNetwork && policy.privateNetworks)) {
    return {
      address: bare,
      category: entry.name,
      why: `is in ${entry.range}, ${entry.name}${tunnelOf(groups)}`,
    };
  }
  if (!entry && !globalUnicast.list.check(canonical, "ipv6")) {
    return {
      address: bare,
      category: "unassigned",
      why: `is outside ${GLOBAL_UNICAST_IPV6} (global unicast)`,
    };
  }
  return hostRefusal(canonical, "ipv6", bare);
}

/** How a refusal reads in an error: the address, and the name that resolved to it if there was one. */
export function describeRefusal(refusal: Refusal, hostname?: string): string {
  return hostname && bareAddress(hostname) !== refusal.address
    ? `${hostname} resolves to ${refusal.address}, which ${refusal.why}`
    : `${refusal.address} ${refusal.why}`;
}

export function bareAddress(host: string): string {
  return host.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
}

function ipv4Refusal(address: string, policy: EgressPolicy): Refusal | undefined {
  const entry = IPV4.find((candidate) => candidate.list.check(address, "ipv4"));
  if (entry && !(entry.privateNetwork && policy.privateNetworks)) {
    return { address, category: entry.name, why: `is in ${entry.range}, ${entry.name}` };
  }
  return hostRefusal(address, "ipv4", address);
}

/**
 * The host's own interface addresses, read at each check since they change (DHCP, containers): a
 * service bound to the public interface answers there as it would on loopback. A public address the
 * host only has behind NAT (a cloud VM's elastic IP) is not on an interface and is not seen here.
 */
function hostRefusal(address: string, family: "ipv4" | "ipv6", shown: string): Refusal | undefined {
  const own = new BlockList();
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === "IPv4") own.addAddress(entry.address, "ipv4");
      else
        own.addAddress(
          ipv6Groups(bareAddress(entry.address))
            .map((group) => group.toString(16))
            .join(":"),
          "ipv6",
        );
    }
  }
  return own.check(address, family)
    ? { address: shown, category: "this host", why: "is one of this host's own addresses" }
    : undefined;
}

/** The eight 16-bit groups of a valid IPv6 address. */
function ipv6Groups(address: string): number[] {
  const parse = (part: string) =>
    part === ""
      ? []
      : part.split(":").flatMap((piece) => {
          if (!piece.includes(".")) return [Number.parseInt(piece, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = piece.split(".").map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = "", tail] = address.split("::");
  if (tail === undefined) return parse(head);
  const start = parse(head);
  const end = parse(tail);
  return [...start, ...new Array<number>(8 - start.length - end.length).fill(0), ...end];
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

/** The IPv4 address that an IPv4-mapped, NAT64 (well-known prefix) or 6to4 address leads to. */
function embeddedIPv4(groups: number[]): { ipv4: string; kind: string } | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return { ipv4: ipv4Of(g6, g7), kind: "IPv4-mapped, ::ffff:0:0/96" };
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return { ipv4: ipv4Of(g6, g7), kind: "NAT64 well-known prefix, 64:ff9b::/96" };
  }
  if (g0 === 0x2002) return { ipv4: ipv4Of(g1 ?? 0, g2 ?? 0), kind: "6to4, 2002::/16" };
  return undefined;
}

/** Where a Teredo or IPv4-compatible address would really go, for the message. */
function tunnelOf(groups: number[]): string {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 === 0x2001 && g1 === 0) return ` (a tunnel to ${ipv4Of(~g6 & 0xffff, ~g7 & 0xffff)})`;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && g6 !== 0) {
    return ` (it embeds ${ipv4Of(g6, g7)})`;
  }
  return "";
}
