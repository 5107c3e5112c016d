import { describe, expect, it } from 'vitest';
import { PacketScanner } from './packet-guard.js';
import { connectPacket, packet, publishPacket, remainingLength, subscribePacket } from './test-support/raw-mqtt.js';

const limits = { maxConnectBytes: 1024, maxPayloadBytes: 100 };

/** Feeds the bytes to a fresh scanner in pieces of `size`, returning the first problem. */
function scan(bytes: Buffer, size: number): string | undefined {
  const s = new PacketScanner(limits);
  for (let i = 0; i < bytes.length; i += size) {
    const problem = s.feed(bytes.subarray(i, i + size));
    if (problem) return problem;
  }
  return undefined;
}

describe('PacketScanner (MQTT 3.1.1 §2.2 fixed header, §3.3 PUBLISH)', () => {
  const ok = Buffer.concat([
    connectPacket({ clientId: 'a', username: 'u', password: 'p', will: { topic: 'w', payload: 'x' } }),
    subscribePacket(1, [['a/#', 1]]),
    publishPacket('t/1', Buffer.alloc(100), { qos: 1 }),
    publishPacket('t/2', Buffer.alloc(0)),
  ]);
  it.each([1, 2, 3, 7, 1000])('passes well-formed packets cut in chunks of %i bytes', (size) => {
    expect(scan(ok, size)).toBeUndefined();
  });

  it.each([1, 5, 1000])(
    'refuses at the header: a big CONNECT, a non-CONNECT first, an oversized payload (%i)',
    (size) => {
      expect(scan(Buffer.concat([Buffer.from([0x10]), remainingLength(2048)]), size)).toMatch(/maxConnectBytes/);
      expect(scan(publishPacket('t', 'x'), size)).toMatch(/first packet is not a CONNECT/);
      const big = Buffer.concat([connectPacket({ clientId: 'a' }), publishPacket('t', Buffer.alloc(101), { qos: 1 })]);
      expect(scan(big, size)).toMatch(/payload of 101 bytes/);
      const claim = Buffer.concat([
        connectPacket({ clientId: 'a' }),
        Buffer.from([0x30]),
        remainingLength(200_000_000),
      ]);
      expect(scan(claim, size)).toMatch(/exceeds what limits.maxPayloadBytes/);
    },
  );

  it('flags a client id with ill-formed UTF-8 or U+0000, and refuses a bad will topic', () => {
    for (const clientId of [Buffer.from([0xc3, 0x28]), 'a\u0000b']) {
      const s = new PacketScanner(limits);
      expect(s.feed(connectPacket({ clientId }))).toBeUndefined();
      expect(s.facts?.badClientId).toBe(true);
    }
    const s = new PacketScanner(limits);
    expect(s.feed(connectPacket({ clientId: 'a', will: { topic: Buffer.from([0xff]), payload: '' } }))).toMatch(
      /will topic/,
    );
    expect(scan(packet(0x10, Buffer.from([0, 4])), 1)).toMatch(/protocol name|truncated|client id/);
  });
});
