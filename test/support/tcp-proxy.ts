/**
 * A small TCP proxy for fault tests: put it between a node and PostgreSQL or Redis and break the
 * link without touching the shared server other suites use.
 *
 * - `cut()`: every live connection is reset (both sides) and new ones are reset on accept, as
 *   when the server restarts or a firewall rejects: clients see the failure at once.
 * - `stall()`: connections stay open but nothing is forwarded (held, as TCP would on a silent
 *   partition); new connections are accepted and held too. Clients see nothing but silence.
 * - `restore()`: forwarding resumes; after a stall the held bytes are delivered late, in order.
 */
import net from 'node:net';

type Mode = 'open' | 'cut' | 'stall';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export class TcpProxy {
  #server: net.Server | null = null;
  #pairs = new Set<Pair>();
  #mode: Mode = 'open';
  #port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A proxy in front of the host and port of a URL (`postgres://…`, `redis://…`). */
  static for(url: string): TcpProxy {
    const u = new URL(url);
    const port = Number(u.port) || (u.protocol.startsWith('redis') ? 6379 : 5432);
    return new TcpProxy(u.hostname, port);
  }

  get port(): number {
    return this.#port;
  }

  get mode(): Mode {
    return this.#mode;
  }

  /** The same URL with its host and port replaced by the proxy's. */
  url(original: string): string {
    const u = new URL(original);
    u.hostname = '127.0.0.1';
    u.port = String(this.#port);
    return u.toString();
  }

  async start(): Promise<this> {
    const server = net.createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as net.AddressInfo).port;
    return this;
  }

  /** Reset every live connection and every new one until `restore()`. */
  cut(): void {
    this.#mode = 'cut';
    for (const pair of this.#pairs) this.#drop(pair);
  }

  /** Forward nothing until `restore()`; connections stay open and bytes are held, not lost. */
  stall(): void {
    this.#mode = 'stall';
    for (const { client, upstream } of this.#pairs) {
      client.pause();
      upstream.pause();
    }
  }

  restore(): void {
    this.#mode = 'open';
    for (const { client, upstream } of this.#pairs) {
      client.resume();
      upstream.resume();
    }
  }

  /** Live connections through the proxy. */
  get connections(): number {
    return this.#pairs.size;
  }

  async close(): Promise<void> {
    for (const pair of this.#pairs) this.#drop(pair);
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    client.on('error', () => {});
    if (this.#mode === 'cut') {
      resetSocket(client);
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    upstream.on('error', () => {});
    const pair: Pair = { client, upstream };
    this.#pairs.add(pair);
    // Forward by hand rather than pipe(): pause()/resume() then holds both directions.
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => this.#drop(pair, false);
    client.on('close', end);
    upstream.on('close', end);
    if (this.#mode === 'stall') {
      client.pause();
      upstream.pause();
    }
  }

  #drop(pair: Pair, reset = true): void {
    if (!this.#pairs.delete(pair)) return;
    if (reset) {
      resetSocket(pair.client);
      resetSocket(pair.upstream);
    } else {
      pair.client.destroy();
      pair.upstream.destroy();
    }
  }
}

/** An RST where the socket allows one (connected), else a plain destroy. */
function resetSocket(socket: net.Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
