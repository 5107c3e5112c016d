import { connect as tcpConnect } from 'node:net';
import Modbus from 'modbus-serial';
import mqtt from 'mqtt';
import { SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { startAedes } from './aedes.js';
import { requireBinary } from './binaries.js';
import { startMosquitto } from './mosquitto.js';
import { float32Words, startPymodbus } from './pymodbus.js';
import { startRedis } from './redis.js';
import { startPtyPair } from './socat.js';

/** The harness itself: each real service starts, answers, and goes away. */

async function roundTrip(url: string): Promise<string> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
  await client.subscribeAsync('harness/t', { qos: 1 });
  const got = new Promise<string>((resolve) => client.on('message', (_t, p) => resolve(p.toString())));
  await client.publishAsync('harness/t', 'hello', { qos: 1 });
  const text = await got;
  await client.endAsync();
  return text;
}

describe('test harness', () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it('names the Debian package of a missing binary', () => {
    expect(() => requireBinary('no-such-binary-tidegate', 'some-package')).toThrow(/apt-get install -y some-package/);
  });

  it('starts aedes and Mosquitto brokers that carry a QoS 1 message', async () => {
    const aedes = await startAedes();
    stops.push(aedes.stop);
    expect(await roundTrip(aedes.url)).toBe('hello');
    const mosquitto = await startMosquitto();
    stops.push(mosquitto.dispose);
    expect(await roundTrip(mosquitto.url)).toBe('hello');
  });

  it('links two PTYs with socat, and removes them on stop', async () => {
    const pair = await startPtyPair();
    stops.push(pair.dispose);
    // Listen for 'open' at once: awaiting one port's open event first could miss the other's.
    const a = new SerialPort({ path: pair.a, baudRate: 9600 });
    const aOpen = new Promise((r) => a.once('open', r));
    const b = new SerialPort({ path: pair.b, baudRate: 9600 });
    const bOpen = new Promise((r) => b.once('open', r));
    const received = new Promise<string>((resolve) => b.on('data', (d: Buffer) => resolve(d.toString())));
    await Promise.all([aOpen, bOpen]);
    a.write('ping');
    expect(await received).toBe('ping');
    await new Promise((r) => a.close(r));
    await new Promise((r) => b.close(r));
    await pair.stop();
  });

  it('serves Modbus TCP and RTU with pymodbus', async () => {
    const [hi, lo] = float32Words(230.2);
    const tcp = await startPymodbus({ transport: 'tcp', units: { 1: { input: { 0: [hi, lo] } } } });
    stops.push(tcp.stop);
    const client = new Modbus.default();
    await client.connectTCP('127.0.0.1', { port: tcp.port! });
    client.setID(1);
    const { buffer } = await client.readInputRegisters(0, 2);
    expect(buffer.readFloatBE(0)).toBeCloseTo(230.2, 4);
    client.close(() => undefined);

    const pair = await startPtyPair();
    stops.push(pair.dispose);
    const rtu = await startPymodbus({ transport: 'rtu', device: pair.b, units: { 3: { holding: { 10: [42] } } } });
    stops.push(rtu.stop);
    const serial = new Modbus.default();
    await serial.connectRTUBuffered(pair.a, { baudRate: 9600 });
    serial.setID(3);
    serial.setTimeout(1000);
    expect((await serial.readHoldingRegisters(10, 1)).data).toEqual([42]);
    await rtu.off(3);
    await expect(serial.readHoldingRegisters(10, 1)).rejects.toThrow(/Timed out/i);
    await rtu.on(3);
    await rtu.set(3, 'holding', 10, [43]);
    expect((await serial.readHoldingRegisters(10, 1)).data).toEqual([43]);
    await new Promise((r) => serial.close(r));
  });

  it('starts redis-server', async () => {
    const redis = await startRedis();
    stops.push(redis.stop);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = tcpConnect(redis.port, '127.0.0.1', () => s.write('PING\r\n'));
      s.on('data', (d) => {
        resolve(d.toString());
        s.destroy();
      });
      s.on('error', reject);
    });
    expect(reply).toBe('+PONG\r\n');
  });
});
