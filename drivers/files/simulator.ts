import { createHash } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorDefinition } from '../driver.js';
import { WASTE_DROP } from './driver.js';

/**
 * A partner dropping its monthly waste report into the folder the way a slow SMB or SFTP copy does: the
 * file appears, then grows in chunks. Rows follow config/partner-waste-drop.yaml's layout (`;`, decimal
 * comma, waste codes of the European List of Waste, tonnes).
 */
const STREAMS: [string, string][] = [
  ['carton', '15 01 01'],
  ['plastique', '15 01 02'],
  ['bois', '15 01 03'],
  ['metaux', '15 01 04'],
  ['verre', '15 01 07'],
  ['dechets-verts', '20 02 01'],
];

export const WASTE_HEADER = 'mois;siret;entreprise;flux;code_dechet;tonnes';

/** A month's report: one row per company and stream it produced, deterministic. */
export function wasteCsv(month: string, companies: number): string {
  const rows = [WASTE_HEADER];
  for (let c = 0; c < companies; c++) {
    const siret = `4${String(1000000000000 + c * 7919).padStart(13, '0')}`;
    for (const [stream, code] of STREAMS) {
      const h = createHash('sha256').update(`${month}/${c}/${stream}`).digest();
      if (h[0]! % 3 === 0) continue;
      const tonnes = (h.readUInt16BE(1) / 1000).toFixed(2).replace('.', ',');
      rows.push(`${month};${siret};Entreprise ${c + 1};${stream};${code};${tonnes}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

/** Writes the report in `chunks` parts, `delayMs` apart: a growing, half-written file in between. */
export async function dropSlowly(file: string, text: string, chunks: number, delayMs: number): Promise<void> {
  const size = Math.ceil(text.length / chunks);
  writeFileSync(file, text.slice(0, size));
  for (let i = 1; i < chunks; i++) {
    await sleep(delayMs);
    appendFileSync(file, text.slice(i * size, (i + 1) * size));
  }
}

export const simulator: SimulatorDefinition = {
  describe(command) {
    command
      .description('a partner dropping monthly waste reports (CSV) into a folder, written slowly in chunks')
      .requiredOption('--folder <dir>', 'the drop folder')
      .option('--months <n>', 'how many past months to drop, one every --interval', '12')
      .option('--companies <n>', 'companies in the zone', '8')
      .option('--interval <ms>', 'between two files', '5000')
      .option('--chunk-delay <ms>', 'between two chunks of one file', '1500');
  },
  selfTest: ({ dir }) => [
    {
      name: 'waste drop',
      args: ['--folder', dir, '--months', '1', '--interval', '10', '--chunk-delay', '10'],
      options: { ...WASTE_DROP, folder: dir, minAgeS: 0 },
    },
  ],
  async run(options, signal) {
    const months = Number(options.months);
    const now = new Date();
    for (let i = months; i >= 1 && !signal.aborted; i--) {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7);
      const file = join(String(options.folder), `waste-${month}.csv`);
      await dropSlowly(file, wasteCsv(month, Number(options.companies)), 3, Number(options.chunkDelay));
      process.stderr.write(`dropped ${file}\n`);
      await sleep(Number(options.interval), undefined, { signal }).catch(() => {});
    }
  },
};
