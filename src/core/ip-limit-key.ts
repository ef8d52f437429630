/**
 * The client address as rate limits count it. One IPv6 subscriber is routinely given a whole /64
 * (often a /56 or /48), and picks any of its 2^64 addresses at will, so counting IPv6 per address
 * lets one client rotate past every per-IP limit. IPv6 is therefore counted by its network of
 * `ipv6Prefix` bits (`--ipv6-limit-prefix`, 64 by default); IPv4 stays per address; an
 * IPv4-mapped IPv6 address (`::ffff:198.51.100.7`, as a dual-stack socket reports IPv4) is the
 * IPv4 address. Pure: no `node:net` in core, so the IPv6 text is parsed here.
 */

/** `198.51.100.7`, or the canonical network `2001:db8:1:2::/64`; anything that is not IPv6 is returned as it is. */
export function limitKeyForIp(ip: string, ipv6Prefix: number): string {
  const groups = parseIpv6(ip);
  if (!groups) return ip;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!];
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  const bits = Math.min(128, Math.max(0, Math.trunc(ipv6Prefix)));
  const network = groups.map((g, i) => {
    const kept = Math.min(16, Math.max(0, bits - 16 * i));
    return kept === 0 ? 0 : g & (0xffff << (16 - kept)) & 0xffff;
  });
  return `${formatIpv6(network)}/${bits}`;
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/;
/** A zone id (`fe80::1%eth0`), as node:net accepts it. */
const ZONE = /^[0-9a-zA-Z.:-]+$/;
const DOTTED = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

/** The eight 16-bit groups of an IPv6 address (a zone `%eth0` ignored), or null when it is not one. */
export function parseIpv6(text: string): number[] | null {
  const zone = text.indexOf('%');
  if (zone !== -1 && !ZONE.test(text.slice(zone + 1))) return null;
  const address = (zone === -1 ? text : text.slice(0, zone)).toLowerCase();
  if (!address.includes(':')) return null;
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parts = (half: string | undefined): string[] | null => {
    if (!half) return [];
    const items = half.split(':');
    const out: string[] = [];
    for (const [i, item] of items.entries()) {
      // A dotted IPv4 tail is the last two groups.
      if (i === items.length - 1 && item.includes('.')) {
        if (!DOTTED.test(item)) return null;
        const [a, b, c, d] = item.split('.').map(Number) as [number, number, number, number];
        out.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
      } else if (HEX_GROUP.test(item)) out.push(item);
      else return null;
    }
    return out;
  };
  const head = parts(halves[0]);
  const tail = parts(halves[1]);
  if (!head || !tail) return null;
  // A dotted tail may only end the address.
  if (halves.length === 2 && halves[0]?.includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  return [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail].map((g) => parseInt(g, 16));
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIpv6(groups: readonly number[]): string {
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.length < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
