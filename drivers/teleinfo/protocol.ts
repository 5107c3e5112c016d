/**
 * Enedis télé-information client (TIC), as specified in Enedis-NOI-CPT_02E (historique mode, the
 * electronic meters' and Linky's default) and Enedis-NOI-CPT_54E (Linky standard mode).
 *
 * A frame is STX (0x02) … ETX (0x03); EOT (0x04) means the meter interrupted it. Each group is
 * LF (0x0A) … CR (0x0D):
 *   historique: label SP data SP checksum          checksum over "label SP data" (not the last SP)
 *   standard:   label HT [horodate HT] data HT checksum   checksum over everything up to and
 *                                                         including the last HT
 * checksum = (sum of those bytes & 0x3F) + 0x20, so it is a printable character from SP to '_', and
 * may well be a space: groups are never split or trimmed on whitespace.
 */
export type TeleinfoMode = 'historique' | 'standard';
export const TELEINFO_MODES: readonly TeleinfoMode[] = ['historique', 'standard'];

export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const HT = 0x09;

export const SEPARATOR: Record<TeleinfoMode, number> = { historique: SP, standard: HT };

/** Serial line of each mode: 7 data bits, even parity, 1 stop bit. */
export const BAUD_RATE: Record<TeleinfoMode, number> = { historique: 1200, standard: 9600 };

export function checksum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += bytes[i] as number;
  return (sum & 0x3f) + 0x20;
}

/** Encodes one group with its checksum (for the simulator and tests). */
export function encodeGroup(mode: TeleinfoMode, label: string, data: string, horodate?: string): Uint8Array {
  const sep = String.fromCharCode(SEPARATOR[mode]);
  const body =
    mode === 'standard' ? `${label}${sep}${horodate ? `${horodate}${sep}` : ''}${data}${sep}` : `${label}${sep}${data}`;
  const bodyBytes = Buffer.from(body, 'latin1');
  const sum = checksum(bodyBytes, 0, bodyBytes.length);
  const tail = mode === 'standard' ? [sum] : [SP, sum];
  return Uint8Array.from([LF, ...bodyBytes, ...tail, CR]);
}

export function encodeFrame(groups: Uint8Array[]): Uint8Array {
  return Uint8Array.from([STX, ...groups.flatMap((g) => [...g]), ETX]);
}

const range = (prefix: string, from: number, to: number, suffix = '', pad = 0) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(pad, '0')}${suffix}`);

/** Historique tariff indexes (Wh) other than BASE: heures creuses/pleines, EJP, Tempo. */
export const HISTORIQUE_TARIFF_INDEXES = [
  'HCHC',
  'HCHP',
  'EJPHN',
  'EJPHPM',
  'BBRHCJB',
  'BBRHPJB',
  'BBRHCJW',
  'BBRHPJW',
  'BBRHCJR',
  'BBRHPJR',
] as const;

/** Every label Enedis-NOI-CPT_02E lists for historique mode (meters of all generations). */
export const HISTORIQUE_LABELS = new Set([
  'ADCO',
  'OPTARIF',
  'ISOUSC',
  'BASE',
  ...HISTORIQUE_TARIFF_INDEXES,
  'PEJP',
  'PTEC',
  'DEMAIN',
  'IINST',
  ...range('IINST', 1, 3),
  'ADPS',
  ...range('ADIR', 1, 3),
  'IMAX',
  ...range('IMAX', 1, 3),
  'PMAX',
  'PAPP',
  'HHPHC',
  'MOTDETAT',
  'PPOT',
  'GAZ',
  'AUTRE',
]);

/** Every label Enedis-NOI-CPT_54E lists for standard mode. */
export const STANDARD_LABELS = new Set([
  'ADSC',
  'VTIC',
  'DATE',
  'NGTF',
  'LTARF',
  'EAST',
  ...range('EASF', 1, 10, '', 2),
  ...range('EASD', 1, 4, '', 2),
  'EAIT',
  ...range('ERQ', 1, 4),
  ...range('IRMS', 1, 3),
  ...range('URMS', 1, 3),
  'PREF',
  'PCOUP',
  'SINSTS',
  ...range('SINSTS', 1, 3),
  'SMAXSN',
  ...range('SMAXSN', 1, 3),
  'SMAXSN-1',
  ...range('SMAXSN', 1, 3, '-1'),
  'SINSTI',
  'SMAXIN',
  'SMAXIN-1',
  'CCASN',
  'CCASN-1',
  'CCAIN',
  'CCAIN-1',
  ...range('UMOY', 1, 3),
  'STGE',
  ...range('DPM', 1, 3),
  ...range('FPM', 1, 3),
  'MSG1',
  'MSG2',
  'PRM',
  'RELAIS',
  'NTARF',
  'NJOURF',
  'NJOURF+1',
  'PJOURF+1',
  'PPOINTE',
]);

export const KNOWN_LABELS: Record<TeleinfoMode, Set<string>> = {
  historique: HISTORIQUE_LABELS,
  standard: STANDARD_LABELS,
};
