// Where a registry may send vouch for a bearer token, and so where the registry's credentials may go.
// The realm comes from the registry's 401, so it is the registry's (an attacker's) choice. Pure.
//
// go-containerregistry's rules (pkg/v1/remote/transport/bearer.go validateRealmURL, commit
// 3f4ff3ca60f51c876ac4bd89e9a787157aaa4f15): https always; http only for a registry itself reached
// over http; no other scheme; an IP literal in a loopback, private, link-local or unspecified range
// only when it is the registry's own host:port (no token requests into internal networks). vouch
// adds: plain http only to hosts it may reach over plain http (loopback by default), so credentials
// never cross a network in clear; no credentials inside the realm URL; and a registry on loopback may
// name a realm on loopback (tests, local mirrors: nothing leaves the machine).
import { BlockList, isIP } from 'node:net';
import { RegistryError } from './errors.ts';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Go's IsLoopback, IsPrivate, IsLinkLocalUnicast, IsLinkLocalMulticast and IsUnspecified. */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 24],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff02::', 16],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv6');

const bare = (hostname: string): string => hostname.replace(/^\[|\]$/g, '').toLowerCase();
const family = (ip: string): 'ipv4' | 'ipv6' => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/** `host[:port]` (IPv6 in brackets) → whether it names this machine. */
export function isLoopbackHost(hostPort: string): boolean {
  const host = bare(hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : hostPort.replace(/:\d*$/, ''));
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && LOOPBACK.check(host, family(host));
}

/** An internal address by its literal (names other than `localhost` would need DNS, out of scope as for go-containerregistry). */
function isInternal(hostname: string): boolean {
  const host = bare(hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && INTERNAL.check(host, family(host));
}

/** `host:port` with the scheme's default port made explicit, for comparing origins. */
function canonicalHost(url: URL): string {
  return `${url.hostname.toLowerCase()}:${url.port || (url.protocol === 'http:' ? '80' : '443')}`;
}

export interface RealmContext {
  /** The registry's base URL as vouch reaches it (`https://host[:port]`, or `http://` for plain-http hosts). */
  registry: URL;
  /** Whether vouch may reach `host[:port]` over plain http. */
  plainHttp: (hostPort: string) => boolean;
}

/** The realm as a URL vouch may send credentials to, or a REFUSED error saying why not. */
export function checkRealm(realm: string, ctx: RealmContext): URL {
  const refuse = (why: string): never => {
    throw new RegistryError('REFUSED', `the registry asked for a token from ${JSON.stringify(realm.slice(0, 200))}, which ${why}; no credentials were sent`, {
      value: ctx.registry.host,
    });
  };
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return refuse('is not a URL');
  }
  if (url.username !== '' || url.password !== '') refuse('carries credentials of its own');
  if (url.protocol === 'http:') {
    if (ctx.registry.protocol !== 'http:') refuse('is plain http for a registry reached over https');
    if (!ctx.plainHttp(url.host)) refuse('is plain http to a host vouch only reaches over https');
  } else if (url.protocol !== 'https:') {
    refuse('is neither https nor http');
  }
  if (canonicalHost(url) === canonicalHost(ctx.registry)) return url;
  if (isInternal(url.hostname) && !(isLoopbackHost(url.host) && isLoopbackHost(ctx.registry.host))) {
    refuse('is a loopback, private or link-local address other than the registry');
  }
  return url;
}
