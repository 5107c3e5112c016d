import { Duplex } from 'node:stream';
import { createWebSocketStream, type WebSocket } from 'ws';

/**
 * A duplex over a WebSocket that sends everything written during one event-loop turn as one frame.
 *
 * aedes writes each MQTT packet as several small chunks; through `ws`' createWebSocketStream each
 * chunk becomes its own WebSocket frame (5 frames per PUBLISH, measured). A browser pays per frame:
 * in bench/dashboard-load.ts headless Chromium processed 70% (one run: 28%) of 2,000 PUBLISH/s sent
 * one frame per chunk, and 99% of 2,000/s and 98% of 4,000/s once batched. MQTT over WebSocket does not
 * require packets to align with frames, and the page's client reads packets across frames.
 *
 * For the broker's WebSocket listener: `broker.handle(batchedWebSocketStream(ws), req)`.
 */
export function batchedWebSocketStream(ws: WebSocket): Duplex {
  const inner = createWebSocketStream(ws);
  const outer = new Duplex({
    read() {
      inner.resume();
    },
    writev(chunks, callback) {
      const parts = chunks.map((c) => c.chunk as Buffer);
      inner.write(parts.length === 1 ? parts[0] : Buffer.concat(parts), callback);
    },
    final(callback) {
      inner.end(callback);
    },
    destroy(error, callback) {
      inner.destroy(error ?? undefined);
      callback(error);
    },
  });
  const write = outer.write.bind(outer) as (...args: unknown[]) => boolean;
  outer.write = ((...args: unknown[]) => {
    if (outer.writableCorked === 0) {
      outer.cork();
      process.nextTick(() => outer.uncork());
    }
    return write(...args);
  }) as typeof outer.write;
  inner.on('data', (d) => {
    if (!outer.push(d)) inner.pause();
  });
  inner.on('end', () => outer.push(null));
  inner.on('error', (e) => outer.destroy(e));
  inner.on('close', () => outer.destroy());
  return outer;
}
