import type { FieldValue, Reading } from '../../wire/reading.js';
import type { Group } from './group.js';
import { HISTORIQUE_TARIFF_INDEXES, type TeleinfoMode } from './protocol.js';

const HISTORIQUE_TARIFFS = new Set<string>(HISTORIQUE_TARIFF_INDEXES);

const PHASES = [1, 2, 3];

/** The fields each mode's readings may carry (the driver's declared emissions; catalogue names). */
export const TELEINFO_FIELDS: Record<TeleinfoMode, string[]> = {
  historique: [
    'energy_import_wh',
    ...HISTORIQUE_TARIFF_INDEXES.map((label) => `energy_${label.toLowerCase()}_wh`),
    'apparent_power_va',
    'current_a',
    ...PHASES.map((n) => `current_l${n}_a`),
  ],
  standard: [
    'energy_import_wh',
    'energy_export_wh',
    ...Array.from({ length: 10 }, (_, i) => `energy_easf${String(i + 1).padStart(2, '0')}_wh`),
    ...Array.from({ length: 4 }, (_, i) => `energy_easd${String(i + 1).padStart(2, '0')}_wh`),
    'apparent_power_va',
    ...PHASES.flatMap((n) => [`apparent_power_l${n}_va`, `current_l${n}_a`, `voltage_l${n}_v`]),
    'current_a',
    'voltage_v',
    'prm',
  ],
};

const POLYPHASE_LABELS = new Set(['IINST2', 'IINST3', 'IRMS2', 'IRMS3', 'URMS2', 'URMS3']);

export interface FrameResult {
  /** Absent when the frame had no value to report. */
  reading?: Reading;
  /** Groups whose value is unusable, and a frame without values. */
  rejections: { reason: string; detail: string }[];
}

/**
 * Turns the valid groups of teleinfo frames into `electricity` readings. It remembers, from frame to
 * frame, the meter address (so a frame whose ADCO/ADSC group was corrupted still gets its `meter`
 * tag) and whether the meter is polyphase (phase suffixes `_l1.._l3` then, none on a single-phase
 * meter).
 */
export class TeleinfoReadings {
  private meter: string | undefined;
  private polyphase = false;

  constructor(private readonly mode: TeleinfoMode) {}

  fromFrame(groups: Group[], rejectedGroups: number, time: bigint): FrameResult {
    const byLabel = new Map(groups.map((g) => [g.label, g.data]));
    const meterLabel = this.mode === 'historique' ? 'ADCO' : 'ADSC';
    const problems: string[] = [];
    const address = byLabel.get(meterLabel);
    if (address !== undefined) {
      if (/^\d{12}$/.test(address)) this.meter = address;
      else problems.push(`${meterLabel} "${address}" is not a 12-digit meter address`);
    }
    if (groups.some((g) => POLYPHASE_LABELS.has(g.label))) this.polyphase = true;

    const fields: Record<string, FieldValue> = {};
    const number = (label: string, field: string) => {
      const data = byLabel.get(label);
      if (data === undefined) return;
      if (!/^\d+$/.test(data)) return void problems.push(`${label} "${data}" is not a number`);
      fields[field] = Number(data);
    };
    const phase = (n: number) => (this.polyphase ? `_l${n}` : '');

    if (this.mode === 'historique') {
      number('BASE', 'energy_import_wh');
      for (const label of HISTORIQUE_TARIFFS) number(label, `energy_${label.toLowerCase()}_wh`);
      // Multi-tariff meters have no total index: the sum of their indexes is one, when none is missing.
      const tariffs = [...HISTORIQUE_TARIFFS].filter((label) => byLabel.has(label));
      if (!byLabel.has('BASE') && tariffs.length > 0 && rejectedGroups === 0 && problems.length === 0)
        fields.energy_import_wh = tariffs.reduce((sum, label) => sum + Number(byLabel.get(label)), 0);
      number('PAPP', 'apparent_power_va');
      number('IINST', 'current_a');
      for (const n of [1, 2, 3]) number(`IINST${n}`, `current_l${n}_a`);
    } else {
      number('EAST', 'energy_import_wh');
      number('EAIT', 'energy_export_wh');
      for (let n = 1; n <= 10; n++) {
        const label = `EASF${String(n).padStart(2, '0')}`;
        number(label, `energy_${label.toLowerCase()}_wh`);
      }
      for (let n = 1; n <= 4; n++) {
        const label = `EASD${String(n).padStart(2, '0')}`;
        number(label, `energy_${label.toLowerCase()}_wh`);
      }
      number('SINSTS', 'apparent_power_va');
      for (const n of [1, 2, 3]) {
        number(`SINSTS${n}`, `apparent_power_l${n}_va`);
        number(`IRMS${n}`, `current${phase(n)}_a`);
        number(`URMS${n}`, `voltage${phase(n)}_v`);
      }
      const prm = byLabel.get('PRM');
      if (prm !== undefined) {
        if (/^\d{14}$/.test(prm)) fields.prm = prm;
        else problems.push(`PRM "${prm}" is not a 14-digit delivery point number`);
      }
    }

    const reading: Reading = { measurement: 'electricity', tags: {}, fields, time };
    const identifiers: string[] = [];
    if (this.meter !== undefined) {
      reading.tags.meter = this.meter;
      identifiers.push('meter');
    }
    if (typeof fields.prm === 'string') identifiers.push('prm');
    if (identifiers.length > 0) reading.identifiers = identifiers;
    const rejections = problems.map((detail) => ({ reason: 'malformed', detail }));
    if (Object.keys(fields).some((key) => key !== 'prm')) return { reading, rejections };
    rejections.push({ reason: 'no-values', detail: 'frame without any index, power, current or voltage' });
    return { rejections };
  }
}
