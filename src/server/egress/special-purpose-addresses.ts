/**
 * What a workflow may not reach: every entry of IANA's IPv4 and IPv6 Special-Purpose Address
 * Registries (plus multicast, the reserved 240/4 and the deprecated site-local fec0::/10), each under
 * the registry's own name. Ranges that only wrap an IPv4 address (IPv4-mapped, the NAT64 well-known
 * prefix, 6to4) are not listed: the address they carry is judged instead (see classify-address.ts).
 *
 * Order matters: the first entry that contains an address names it, so a narrower entry comes before
 * the one that contains it (Teredo before 2001::/23).
 */
export type SpecialPurposeRange = {
  /** CIDR notation, as the registry writes it. */
  range: string;
  /** The registry's name for it, with what it is for when the name alone does not say. */
  name: string;
  /**
   * A private network where other machines (databases) live, rather than this host, its link or
   * nowhere. Only the sql node's policy lets these through.
   */
  privateNetwork?: true;
};

export const SPECIAL_PURPOSE_IPV4: readonly SpecialPurposeRange[] = [
  { range: "0.0.0.0/8", name: '"This network"' },
  { range: "10.0.0.0/8", name: "Private-Use", privateNetwork: true },
  { range: "100.64.0.0/10", name: "Shared Address Space (carrier-grade NAT)", privateNetwork: true },
  { range: "127.0.0.0/8", name: "Loopback" },
  { range: "169.254.0.0/16", name: "Link-Local (cloud metadata)" },
  { range: "172.16.0.0/12", name: "Private-Use", privateNetwork: true },
  { range: "192.0.0.0/24", name: "IETF Protocol Assignments" },
  { range: "192.0.2.0/24", name: "TEST-NET-1 (documentation)" },
  { range: "192.31.196.0/24", name: "AS112-v4" },
  { range: "192.52.193.0/24", name: "AMT" },
  { range: "192.88.99.0/24", name: "Deprecated (6to4 Relay Anycast)" },
  { range: "192.168.0.0/16", name: "Private-Use", privateNetwork: true },
  { range: "192.175.48.0/24", name: "Direct Delegation AS112 Service" },
  { range: "198.18.0.0/15", name: "Benchmarking" },
  { range: "198.51.100.0/24", name: "TEST-NET-2 (documentation)" },
  { range: "203.0.113.0/24", name: "TEST-NET-3 (documentation)" },
  { range: "224.0.0.0/4", name: "Multicast" },
  { range: "255.255.255.255/32", name: "Limited Broadcast" },
  { range: "240.0.0.0/4", name: "Reserved (future use)" },
];

export const SPECIAL_PURPOSE_IPV6: readonly SpecialPurposeRange[] = [
  { range: "::/128", name: "Unspecified Address" },
  { range: "::1/128", name: "Loopback Address" },
  // Deprecated (RFC 4291); how a host routes one is its own business, so none is reached.
  { range: "::/96", name: "IPv4-compatible (deprecated)" },
  { range: "64:ff9b:1::/48", name: "Local-Use IPv4/IPv6 Translation (NAT64)" },
  { range: "100::/64", name: "Discard-Only Address Block" },
  // A Teredo address tunnels to the (obfuscated) IPv4 address of its client.
  { range: "2001::/32", name: "TEREDO" },
  { range: "2001:2::/48", name: "Benchmarking" },
  { range: "2001::/23", name: "IETF Protocol Assignments" },
  { range: "2001:db8::/32", name: "Documentation" },
  { range: "2620:4f:8000::/48", name: "Direct Delegation AS112 Service" },
  { range: "3fff::/20", name: "Documentation" },
  { range: "5f00::/16", name: "Segment Routing (SRv6) SIDs" },
  { range: "fc00::/7", name: "Unique-Local", privateNetwork: true },
  { range: "fe80::/10", name: "Link-Local Unicast" },
  { range: "fec0::/10", name: "Site-Local (deprecated)" },
  { range: "ff00::/8", name: "Multicast" },
];

/** Global unicast; the rest of the IPv6 space is unassigned or listed above. */
export const GLOBAL_UNICAST_IPV6 = "2000::/3";
