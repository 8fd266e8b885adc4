/** The buyer's IP address in the form a provider accepts. */

/** The buyer's IPv4: IPv4-mapped and loopback IPv6 are unwrapped, other IPv6 get the fallback. */
export function providerIpv4(ip: string | undefined, fallback: string): string {
  return ipv4Of(ip) ?? fallback;
}

/** The buyer's address as IPv4 when it is one (also `::ffff:a.b.c.d` and `::1`), else null. */
export function ipv4Of(ip: string | undefined): string | null {
  if (!ip) return null;
  if (ip === '::1') return '127.0.0.1';
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)?.[1];
  return v4 && v4.split('.').every((octet) => Number(octet) <= 255 && (octet === '0' || !octet.startsWith('0'))) ? v4 : null;
}
