import type { Command } from 'commander';
import type { SimulatorDefinition } from '../driver.js';
import {
  describeSerialSimulator,
  type SerialSimulatorOptions,
  type SimulatorStats,
  serialSimulatorOptions,
} from '../serial/faults.js';
import { describeStats, type FrameSource, runFrameSimulator } from '../serial/simulator-loop.js';
import { BAUD_RATE, CR, EOT, ETX, encodeFrame, encodeGroup, STX, type TeleinfoMode } from './protocol.js';

export interface MeterProfile {
  mode: TeleinfoMode;
  /** ADCO (historique) or ADSC (standard): 12 digits. */
  adco: string;
  /** Standard mode's PRM: 14 digits. */
  prm: string;
  /** Historique tariff option. */
  tariff: 'base' | 'hc';
}

export const DEFAULT_METER: MeterProfile = {
  mode: 'historique',
  adco: '031664001115',
  prm: '30001234567890',
  tariff: 'base',
};

const pad = (n: number, width: number) => String(Math.round(n)).padStart(width, '0');

/** A real meter sends a frame about every 1.5 s: the index grows by what the home drew meanwhile. */
const FRAME_S = 1.5;
const MEAN_W = 1500;

/** What the simulated meter shows at its n-th frame: a home at 1–2 kVA, its index growing with it (about 2.25 kWh an hour). */
export function meterValues(n: number) {
  const va = 1000 + ((n * 137) % 1000);
  const index = 13_444_363 + Math.floor((n * MEAN_W * FRAME_S) / 3600);
  return { va, amps: Math.max(1, Math.round(va / 230)), volts: 228 + (n % 8), index };
}

function horodate(date: Date): string {
  const two = (v: number) => String(v).padStart(2, '0');
  return `H${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}`;
}

/** The n-th frame of a meter, as the meter would send it. */
export function meterFrame(meter: MeterProfile, n: number, now = new Date()): Uint8Array {
  const v = meterValues(n);
  if (meter.mode === 'historique') {
    const H = (label: string, data: string) => encodeGroup('historique', label, data);
    const indexes =
      meter.tariff === 'hc'
        ? [H('HCHC', pad(v.index * 0.4, 9)), H('HCHP', pad(v.index - Math.round(v.index * 0.4), 9))]
        : [H('BASE', pad(v.index, 9))];
    return encodeFrame([
      H('ADCO', meter.adco),
      H('OPTARIF', meter.tariff === 'hc' ? 'HC..' : 'BASE'),
      H('ISOUSC', '30'),
      ...indexes,
      H('PTEC', meter.tariff === 'hc' ? 'HP..' : 'TH..'),
      H('IINST', pad(v.amps, 3)),
      H('IMAX', '090'),
      H('PAPP', pad(v.va, 5)),
      H('HHPHC', 'A'),
      H('MOTDETAT', '000000'),
    ]);
  }
  const S = (label: string, data: string, date?: string) => encodeGroup('standard', label, data, date);
  return encodeFrame([
    S('ADSC', meter.adco),
    S('VTIC', '02'),
    S('DATE', '', horodate(now)),
    S('NGTF', '      BASE      '),
    S('LTARF', '      BASE      '),
    S('EAST', pad(v.index, 9)),
    S('EASF01', pad(v.index, 9)),
    S('EASF02', '000000000'),
    S('IRMS1', pad(v.amps, 3)),
    S('URMS1', pad(v.volts, 3)),
    S('PREF', '06'),
    S('PCOUP', '06'),
    S('SINSTS', pad(v.va, 5)),
    S('SMAXSN', pad(v.va + 500, 5), horodate(now)),
    S('STGE', '003A0000'),
    S('MSG1', 'PAS DE          MESSAGE         '),
    S('PRM', meter.prm),
    S('RELAIS', '000'),
    S('NTARF', '01'),
  ]);
}

/** Spoils the checksum of the apparent-power group (PAPP or SINSTS): the rest of the frame stays good. */
export function withBadPowerChecksum(frame: Uint8Array): Uint8Array {
  const text = Buffer.from(frame).toString('latin1');
  const start = Math.max(text.indexOf('\nPAPP '), text.indexOf('\nSINSTS\t'));
  const cr = frame.indexOf(CR, start);
  const spoiled = Uint8Array.from(frame);
  const sum = spoiled[cr - 1] as number;
  spoiled[cr - 1] = sum === 0x5f ? 0x20 : sum + 1;
  return spoiled;
}

export function teleinfoFrames(meter: MeterProfile): FrameSource {
  return {
    frame: (n) => meterFrame(meter, n),
    withBadChecksum: withBadPowerChecksum,
    truncated: (frame) => frame.slice(0, Math.floor(frame.length / 2)),
    syncBytes: [STX, ETX, EOT],
    line: { dataBits: 7, parity: 'even' },
    checksumFaultKeepsFrame: true,
  };
}

export function runTeleinfoSimulator(
  options: SerialSimulatorOptions,
  meter: MeterProfile,
  signal: AbortSignal,
): Promise<SimulatorStats> {
  return runFrameSimulator(options, teleinfoFrames(meter), signal);
}

export const simulator: SimulatorDefinition = {
  describe(command: Command) {
    describeSerialSimulator(command, { baudRate: BAUD_RATE.historique, intervalMs: 1500 });
    command
      .option('--mode <mode>', 'historique | standard (sets the default baud rate: 1200 | 9600)', 'historique')
      .option('--adco <digits>', 'meter address, ADCO or ADSC (12 digits)', DEFAULT_METER.adco)
      .option('--prm <digits>', 'delivery point number PRM, standard mode (14 digits)', DEFAULT_METER.prm)
      .option('--tariff <option>', 'historique tariff option: base | hc', 'base');
  },
  selfTest: ({ simulatorPort, driverPort }) =>
    (['historique', 'standard'] as const).map((mode) => ({
      name: mode,
      args: ['--port', simulatorPort, '--mode', mode, '--interval', '50'],
      options: { port: driverPort, mode },
    })),
  async run(raw, signal) {
    const mode = raw.mode as TeleinfoMode;
    if (mode !== 'historique' && mode !== 'standard')
      throw new Error(`--mode: "${raw.mode}" is not historique or standard`);
    const adco = String(raw.adco ?? DEFAULT_METER.adco);
    if (!/^\d{12}$/.test(adco)) throw new Error(`--adco: "${adco}" is not 12 digits`);
    const prm = String(raw.prm ?? DEFAULT_METER.prm);
    if (!/^\d{14}$/.test(prm)) throw new Error(`--prm: "${prm}" is not 14 digits`);
    const tariff = raw.tariff === 'hc' ? 'hc' : 'base';
    if (raw.tariff !== undefined && raw.tariff !== tariff)
      throw new Error(`--tariff: "${raw.tariff}" is not base or hc`);
    // The baud option's default is historique's; standard mode's rate follows the mode unless given.
    const options = serialSimulatorOptions(raw);
    if (mode === 'standard' && raw.baud === String(BAUD_RATE.historique)) options.baudRate = BAUD_RATE.standard;
    const stats = await runTeleinfoSimulator(options, { mode, adco, prm, tariff }, signal);
    process.stderr.write(`${describeStats(stats)}\n`);
  },
};
