import { afterAll, describe, expect, it } from 'vitest';
import { SDM630_VALUES } from '../../drivers/modbus/tests/support.js';
import { startAgent } from '../../edge/agent/agent.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import {
  float32Words,
  removeTempDir,
  startAedes,
  startPymodbus,
  tempDir,
  usePtyPair,
  waitFor,
} from '../harness/index.js';
import { BrokerRecorder } from './recorder.js';

const sdm630 = () => ({
  input: Object.fromEntries(Object.values(SDM630_VALUES).map(([address, value]) => [address, float32Words(value)])),
});

/** Two meters and a dead unit on one RS-485 line (socat PTY, pymodbus RTU slave), polled by the agent. */
describe('edge agent polling Modbus meters on a shared serial bus', () => {
  const pty = usePtyPair();
  const dir = tempDir();
  afterAll(() => removeTempDir(dir));

  it('polls each meter at its interval through the bus and reports the silent one down', async () => {
    const slave = await startPymodbus({ transport: 'rtu', device: pty().b, units: { 1: sdm630(), 2: sdm630() } });
    const aedes = await startAedes();
    const recorder = new BrokerRecorder(aedes);
    const yaml = testConfigYaml({
      dir,
      url: aedes.url,
      devices: [
        '{ id: meter-1, driver: modbus, bus: rs485-1, unit: 1, profile: sdm630, every: 1s }',
        '{ id: meter-2, driver: modbus, bus: rs485-1, unit: 2, profile: sdm630, every: 2s }',
        '{ id: meter-3, driver: modbus, bus: rs485-1, unit: 3, profile: sdm630, every: 2s, retries: 0 }',
      ],
    });
    const loaded = await testConfig(`${yaml}buses:\n  rs485-1: { port: ${pty().a}, baudRate: 9600, timeoutMs: 300 }\n`);
    const agent = await startAgent(loaded);
    try {
      await waitFor(
        () => recorder.distinct('meter-1').length >= 4 && recorder.distinct('meter-2').length >= 2,
        'readings of both meters',
        60_000,
      );
      await waitFor(
        () => recorder.events.some((e) => e.type === 'device_down' && e.device === 'meter-3'),
        'meter-3 down',
      );
      for (const line of [...recorder.distinct('meter-1'), ...recorder.distinct('meter-2')])
        expect(line).toMatch(/^electricity,sensor=sdm630,site=test-site .*energy_import_wh=12345600,.* \d{19}$/);
      // Readings are stamped when read, on ticks aligned to the interval: one per second at most.
      const times = recorder.distinct('meter-1').map((l) => BigInt(l.slice(l.lastIndexOf(' ') + 1)));
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(500_000_000n);
      expect(recorder.lines.has('meter-3')).toBe(false);
      expect(agent.status().devices?.['meter-3']?.state).toBe('down');
      // The bus scheduler's counters per device, on /metrics: the dead unit's requests all timed out.
      const metrics = await (await fetch(`http://127.0.0.1:${agent.healthPort}/metrics`)).text();
      const driverCount = (device: string, counter: string) =>
        Number(
          metrics
            .split('\n')
            .find((l) => l.startsWith(`tidegate_driver_total{device="${device}",counter="${counter}"} `))
            ?.split(' ')[1],
        );
      expect(driverCount('meter-1', 'modbus_answered')).toBeGreaterThan(0);
      expect(driverCount('meter-3', 'modbus_answered')).toBe(0);
      expect(driverCount('meter-3', 'modbus_timeouts')).toBeGreaterThan(0);
    } finally {
      await agent.stop();
      await aedes.stop();
      await slave.stop();
    }
  });
});
