// The URL a client on this machine uses for a server that listens on
// host:port: a server bound to every interface (0.0.0.0 or ::) is reached on
// 127.0.0.1, and an IPv6 host goes in brackets.

export function localUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}
