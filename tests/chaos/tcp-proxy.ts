import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder between the edges and the broker that can stop forwarding, like a cut cable or a
 * dead router: connections stay open, nothing passes either way and new connections get no answer.
 * Bytes in flight wait, as TCP would retransmit them, and flow again when the network comes back.
 * A connection a side gives up on (keepalive) is closed on the other side too.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly links = new Set<{ flush(): void; destroy(): void }>();
  private cut = false;
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly host = '127.0.0.1',
  ) {}

  async start(port = 0): Promise<number> {
    this.server = createServer((inbound) => this.accept(inbound));
    await new Promise<void>((resolve) => this.server!.listen(port, this.host, resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Stops forwarding (both ways, and new connections) until `restore()`. */
  cutNetwork(): void {
    this.cut = true;
  }

  restore(): void {
    this.cut = false;
    for (const link of [...this.links]) link.flush();
  }

  async stop(): Promise<void> {
    for (const link of this.links) link.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(inbound: Socket): void {
    const outbound = connect(this.targetPort, this.host);
    const held: [Socket, Buffer][] = [];
    let closed = false;
    const link = {
      flush: () => {
        for (const [to, chunk] of held.splice(0)) if (!to.destroyed) to.write(chunk);
        if (closed) link.destroy();
      },
      destroy: () => {
        this.links.delete(link);
        inbound.destroy();
        outbound.destroy();
      },
    };
    this.links.add(link);
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (this.cut) held.push([to, chunk]);
      else to.write(chunk);
    };
    inbound.on('data', forward(outbound));
    outbound.on('data', forward(inbound));
    // The far side learns of a close only once the network is back (or by its own keepalive).
    const close = () => {
      closed = true;
      if (!this.cut) link.destroy();
    };
    for (const socket of [inbound, outbound]) socket.on('close', close).on('error', close);
  }
}
