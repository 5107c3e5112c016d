import { describe, expect, it } from 'vitest';
import { Sds011FrameDecoder } from './sds011/frame-decoder.js';
import { HEAD } from './sds011/protocol.js';
import { TeleinfoFrameDecoder } from './teleinfo/frame-decoder.js';
import { EOT, ETX, STX } from './teleinfo/protocol.js';

/** Bytes that never start a frame of the protocol (its sync bytes left out). */
function noise(length: number, avoid: number[]): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0, b = 7; i < length; i++) {
    do b = (b * 31 + 17) & 0xff;
    while (avoid.includes(b));
    out[i] = b;
  }
  return out;
}

/** A line that sends only garbage is reported while it does, not once a frame (or the end) comes. */
describe('a long run of garbage', () => {
  it('sds011: rejected every 1 KiB while it streams', () => {
    const reasons: string[] = [];
    const decoder = new Sds011FrameDecoder({ frame: () => {}, rejected: (reason) => reasons.push(reason) });
    for (let i = 0; i < 10; i++) decoder.push(noise(512, [HEAD]));
    expect(reasons).toEqual(['garbage', 'garbage', 'garbage', 'garbage', 'garbage']);
  });

  it('teleinfo: rejected every 1 KiB while it streams', () => {
    const reasons: string[] = [];
    const decoder = new TeleinfoFrameDecoder('historique', {
      frame: () => {},
      rejected: (reason) => reasons.push(reason),
    });
    for (let i = 0; i < 10; i++) decoder.push(noise(512, [STX, ETX, EOT]));
    expect(reasons).toEqual(['garbage', 'garbage', 'garbage', 'garbage', 'garbage']);
  });
});
