import {
  CONNACK_REASONS,
  connectPacket,
  disconnectPacket,
  type Packet,
  PacketReader,
  pingreqPacket,
  pubackPacket,
  subscribePacket,
} from './packets.js';

/** The WebSocket the client needs: the browser's, or `ws` in Node tests. */
export interface WebSocketLike {
  binaryType: string;
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(): void;
}
export type WebSocketFactory = new (url: string, protocols: string) => WebSocketLike;

export interface OperatorMqttOptions {
  url: string;
  username: string;
  password: string;
  clientId?: string;
  keepaliveS?: number;
  reconnectMs?: number;
  WebSocket?: WebSocketFactory;
}

/** The broker refused the account (CONNACK 4 or 5), as opposed to being unreachable. */
export class RefusedError extends Error {
  constructor(readonly returnCode: number) {
    super(`The broker refused the connection: ${CONNACK_REASONS[returnCode] ?? `return code ${returnCode}`}.`);
  }
}

/**
 * A read-only MQTT 3.1.1 client over WebSocket for the dashboard: connects with an operator account,
 * subscribes, hands each PUBLISH to `onMessage`, pings, and reconnects (re-subscribing) after a drop.
 * Credentials stay in this object's memory for reconnects and nowhere else.
 */
export class OperatorMqtt {
  onMessage: (topic: string, payload: Uint8Array) => void = () => {};
  onConnectedChange: (connected: boolean) => void = () => {};
  /** A reconnect was refused: the account was removed or its password changed. */
  onRefused: (error: RefusedError) => void = () => {};
  connected = false;
  private socket: WebSocketLike | undefined;
  private reader = new PacketReader();
  private filters: string[] = [];
  private nextId = 1;
  private readonly subacks = new Map<number, (granted: number[]) => void>();
  private pinger: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private ended = false;
  private readonly keepaliveS: number;
  private readonly WS: WebSocketFactory;

  private constructor(private readonly options: OperatorMqttOptions) {
    this.keepaliveS = options.keepaliveS ?? 60;
    this.WS = options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketFactory);
  }

  /** Resolves once the broker accepted the account; rejects with a RefusedError or an unreachable-broker Error. */
  static connect(options: OperatorMqttOptions): Promise<OperatorMqtt> {
    const client = new OperatorMqtt(options);
    return new Promise((resolve, reject) => {
      client.open((error) => {
        if (error) {
          client.end();
          reject(error);
        } else resolve(client);
      });
    });
  }

  /** Subscribes (QoS 0) and resolves with the granted QoS per filter (0x80 = refused); kept across reconnects. */
  subscribe(filters: string[]): Promise<number[]> {
    this.filters.push(...filters);
    return this.sendSubscribe(filters);
  }

  end(): void {
    this.ended = true;
    this.stopPinger();
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState === 1) socket.send(disconnectPacket());
    socket?.close();
    this.setConnected(false);
  }

  private open(first?: (error?: Error) => void): void {
    const { url } = this.options;
    let socket: WebSocketLike;
    try {
      socket = new this.WS(url, 'mqtt');
    } catch (e) {
      first?.(new Error(`Cannot open ${url}: ${(e as Error).message}`));
      return;
    }
    this.socket = socket;
    this.reader = new PacketReader();
    socket.binaryType = 'arraybuffer';
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      first?.(error);
    };
    socket.onopen = () => {
      socket.send(
        connectPacket({
          clientId: this.options.clientId ?? `tidegate-dashboard-${Math.random().toString(16).slice(2, 10)}`,
          username: this.options.username,
          password: this.options.password,
          keepaliveS: this.keepaliveS,
        }),
      );
    };
    socket.onmessage = (ev) => {
      if (socket !== this.socket) return;
      this.lastHeard = Date.now();
      let packets: Packet[];
      try {
        packets = this.reader.push(new Uint8Array(ev.data as ArrayBuffer));
      } catch {
        socket.close();
        return;
      }
      for (const p of packets) this.handle(p, settle);
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.stopPinger();
      this.setConnected(false);
      if (!settled) settle(new Error(`Cannot reach the broker at ${url}.`));
      else if (!this.ended) setTimeout(() => !this.ended && this.open(), this.options.reconnectMs ?? 2_000);
    };
    socket.onerror = () => {};
  }

  private handle(p: Packet, settle: (error?: Error) => void): void {
    switch (p.type) {
      case 'connack':
        if (p.returnCode !== 0) {
          const error = new RefusedError(p.returnCode);
          if (this.connected || this.filters.length > 0) this.onRefused(error);
          settle(error);
          this.end();
          return;
        }
        this.setConnected(true);
        this.startPinger();
        if (this.filters.length > 0) void this.sendSubscribe(this.filters);
        settle();
        return;
      case 'publish':
        if (p.qos === 1 && p.id !== undefined) this.socket?.send(pubackPacket(p.id));
        this.onMessage(p.topic, p.payload);
        return;
      case 'suback':
        this.subacks.get(p.id)?.(p.granted);
        this.subacks.delete(p.id);
        return;
      default:
        return;
    }
  }

  private sendSubscribe(filters: string[]): Promise<number[]> {
    const id = this.nextId;
    this.nextId = (this.nextId % 0xffff) + 1;
    return new Promise((resolve) => {
      this.subacks.set(id, resolve);
      this.socket?.send(subscribePacket(id, filters));
    });
  }

  private startPinger(): void {
    this.stopPinger();
    this.lastHeard = Date.now();
    const everyMs = (this.keepaliveS * 1000) / 2;
    this.pinger = setInterval(() => {
      if (Date.now() - this.lastHeard > this.keepaliveS * 1500) this.socket?.close();
      else this.socket?.send(pingreqPacket());
    }, everyMs);
  }

  private stopPinger(): void {
    if (this.pinger) clearInterval(this.pinger);
    this.pinger = undefined;
  }

  private setConnected(on: boolean): void {
    if (this.connected === on) return;
    this.connected = on;
    this.onConnectedChange(on);
  }
}
