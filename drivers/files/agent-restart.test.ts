import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../edge/agent/agent.js';
import { testConfig, testConfigYaml } from '../../edge/testing/agent-config.js';
import { BrokerRecorder } from '../../tests/edge/recorder.js';
import { startAedes, tempDir, waitFor } from '../../tests/harness/index.js';
import { wasteCsv } from './simulator.js';

/**
 * The real edge agent, a real broker, a drop folder of twelve monthly reports: the agent is stopped
 * (SIGTERM-like clean stop) and started again twice while it works through the folder. Every report's
 * rows reach the broker, each line once, and every file ends in done/.
 */
describe('files driver in the edge agent across restarts', () => {
  const dir = tempDir('tidegate-files-agent-');
  const drop = join(dir, 'drop');
  mkdirSync(drop);
  let stopBroker: (() => Promise<void>) | undefined;
  afterAll(() => stopBroker?.());

  it('never publishes a file twice and never skips one', async () => {
    const aedes = await startAedes();
    stopBroker = () => aedes.stop();
    const recorder = new BrokerRecorder(aedes);
    const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
    const expected = months.reduce((n, m) => n + wasteCsv(m, 3).trim().split('\n').length - 1, 0);
    const device = `{ id: waste, driver: files, every: 200ms, folder: ${drop}, minAgeS: 0, csv: { delimiter: ';', decimalComma: true }, mapping: { measurement: material_flow, tags: { partner: siret, stream: flux, direction: { value: out } }, fields: { mass_kg: { from: tonnes, unit: t } }, time: { from: mois, format: yyyy-MM, timeZone: Europe/Paris }, pseudonymise: [partner] } }`;
    const loaded = await testConfig(testConfigYaml({ dir, url: aedes.url, devices: [device] }));
    const sent = () => recorder.lines.get('waste') ?? [];

    let read = 0; // readings the driver gave each agent: a file read twice would count twice
    const readBy = (a: Awaited<ReturnType<typeof startAgent>>) => a.status().devices?.waste?.readings ?? 0;
    let agent = await startAgent(loaded);
    for (const [i, month] of months.entries()) {
      writeFileSync(join(drop, `waste-${month}.csv`), wasteCsv(month, 3));
      if (i === 3 || i === 7) {
        await waitFor(() => readdirSync(join(drop, 'done')).length >= i - 1, 'some files done before a restart');
        read += readBy(agent);
        await agent.stop();
        agent = await startAgent(loaded);
      }
    }
    await waitFor(() => readdirSync(join(drop, 'done')).length === 12, 'every file in done/', 60_000);
    await waitFor(() => sent().length >= expected, 'every row at the broker', 30_000);
    read += readBy(agent);
    await agent.stop();
    expect(read).toBe(expected);
    // At-least-once delivery may bring a message twice; every row is there.
    expect(new Set(sent()).size).toBe(expected);
    expect(sent().some((l) => l.includes('partner=4'))).toBe(false); // SIRETs only as pseudonyms
    expect(readdirSync(drop).sort()).toEqual(['.tidegate-journal.jsonl', 'done', 'rejected']);
  });
});
