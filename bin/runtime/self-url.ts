// The URL by which this server reaches itself and names its own pages (the simulator's
// checkout links and the webhook its Pay button calls): HOST, except that a wildcard bind
// address (0.0.0.0, ::) is no address to connect to, so loopback stands in; IPv6 in brackets.
export function selfUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
