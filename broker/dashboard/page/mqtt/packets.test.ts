import { describe, expect, it } from 'vitest';
import { connectPacket, PacketReader, subscribePacket } from './packets.js';

const publish = (topic: string, payload: string, qos = 0, id = 7) => {
  const t = new TextEncoder().encode(topic);
  const p = new TextEncoder().encode(payload);
  const body = [t.length >> 8, t.length & 0xff, ...t, ...(qos ? [id >> 8, id & 0xff] : []), ...p];
  const len: number[] = [];
  let n = body.length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    len.push(b);
  } while (n);
  return new Uint8Array([0x30 | (qos << 1) | 1, ...len, ...body]);
};

describe('MQTT packets', () => {
  it('encodes CONNECT and SUBSCRIBE as MQTT 3.1.1 lays them out', () => {
    const c = connectPacket({ clientId: 'c', username: 'u', password: 'p', keepaliveS: 60 });
    expect([...c]).toEqual([0x10, 19, 0, 4, 77, 81, 84, 84, 4, 0xc2, 0, 60, 0, 1, 99, 0, 1, 117, 0, 1, 112]);
    expect([...subscribePacket(1, ['a/+'])]).toEqual([0x82, 8, 0, 1, 0, 3, 97, 47, 43, 0]);
  });

  it('reads packets split across and packed into WebSocket messages', () => {
    const a = publish('tidegate/gw-1/data/pm-1', 'x'.repeat(300), 1, 258);
    const b = publish('tidegate/gw-1/status', '{}');
    const all = new Uint8Array([...a, ...b, 0xd0, 0, 0x20, 2, 0, 4]);
    const reader = new PacketReader();
    const got = [
      ...reader.push(all.subarray(0, 2)),
      ...reader.push(all.subarray(2, 200)),
      ...reader.push(all.subarray(200)),
    ];
    expect(got.map((p) => p.type)).toEqual(['publish', 'publish', 'pingresp', 'connack']);
    expect(got[0]).toMatchObject({ topic: 'tidegate/gw-1/data/pm-1', qos: 1, id: 258, retain: true });
    expect((got[0] as { payload: Uint8Array }).payload.length).toBe(300);
    expect(got[3]).toEqual({ type: 'connack', sessionPresent: false, returnCode: 4 });
  });
});
