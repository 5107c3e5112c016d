import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from '../../tests/harness/index.js';
import { batchedWebSocketStream } from './batched-websocket-stream.js';

describe('batchedWebSocketStream', () => {
  it('sends the writes of one event-loop turn as one frame, and reads what the peer sends', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const received: string[] = [];
    wss.on('connection', (ws) => {
      const stream = batchedWebSocketStream(ws);
      stream.on('data', (d: Buffer) => received.push(d.toString()));
      for (const part of ['a', 'b', 'c', 'd', 'e']) stream.write(Buffer.from(part));
      setTimeout(() => stream.write(Buffer.from('f')), 50);
    });
    const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
    const frames: string[] = [];
    client.on('message', (d: Buffer) => frames.push(d.toString()));
    client.on('open', () => client.send('hello'));
    try {
      await waitFor(() => frames.length === 2 && received.length === 1, 'two frames and one message');
      expect(frames).toEqual(['abcde', 'f']);
      expect(received).toEqual(['hello']);
    } finally {
      client.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    }
  });
});
