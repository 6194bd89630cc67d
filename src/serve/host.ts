/**
 * DNS rebinding: a web page on evil.example can point its own name at 127.0.0.1 and have the
 * visitor's browser read a local server as same-origin. The browser still sends
 * `Host: evil.example`, so a local server answers only requests whose Host names the address it
 * is bound to (or `localhost` for a loopback address) and its port. Shared by `duckflow serve`
 * and `duckflow docs serve`.
 */

/** Status for a refused Host: 421 Misdirected Request, "not the server for that name". */
export const WRONG_HOST_STATUS = 421;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1)$/;

/** The Host header values a server bound to `address`:`port` answers. */
export function allowedHosts(address: string, port: number, extra: string[] = []): Set<string> {
  const names = [address.includes(':') ? `[${address}]` : address, ...extra];
  if (LOOPBACK.test(address)) names.push('localhost');
  return new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
}

export function hostAllowed(header: string | undefined, allowed: Set<string>): boolean {
  return header !== undefined && allowed.has(header.toLowerCase());
}

export function wrongHostMessage(header: string | undefined, allowed: Set<string>): string {
  return `Host '${header ?? ''}' is not this server's: it answers ${[...allowed].join(', ')} (a different name may be a DNS rebinding attempt)`;
}
