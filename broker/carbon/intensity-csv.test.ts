import { describe, expect, it } from 'vitest';
import { parisLocalToUtc, parseIntensityCsv } from './intensity-csv.js';

describe('éCO2mix intensity CSV', () => {
  it('reads French local time, winter and summer', () => {
    expect(parisLocalToUtc('2024-01-15', '01:00')).toBe(Date.UTC(2024, 0, 15, 0, 0));
    expect(parisLocalToUtc('2024-07-15', '02:00')).toBe(Date.UTC(2024, 6, 15, 0, 0));
    expect(parisLocalToUtc('15/07/2024', '02:30')).toBe(Date.UTC(2024, 6, 15, 0, 30));
  });

  it('reads the tab-separated éCO2mix download, averaging quarter-hours and skipping empty cells', () => {
    const text = [
      'Périmètre\tNature\tDate\tHeures\tConsommation\tTaux de Co2',
      'France\tDonnées définitives\t2024-01-15\t01:00\t70000\t40',
      'France\tDonnées définitives\t2024-01-15\t01:15\t70000\t',
      'France\tDonnées définitives\t2024-01-15\t01:30\t70000\t44',
      'France\tDonnées définitives\t2024-01-15\t02:00\t70000\t50',
    ].join('\r\n');
    const series = parseIntensityCsv(text, 'test');
    expect([...series.hourly]).toEqual([
      [Date.UTC(2024, 0, 15, 0), 42],
      [Date.UTC(2024, 0, 15, 1), 50],
    ]);
    expect(series).toMatchObject({ rowsRead: 3, rowsSkipped: 1 });
  });

  it('says which column is missing', () => {
    expect(() => parseIntensityCsv('Date;Consommation\n2024-01-15;1', 'x', 'f.csv')).toThrow(
      'f.csv: no "Taux de CO2" (or taux_co2) column header found',
    );
    expect(() => parseIntensityCsv('Jour;Taux de CO2\n2024-01-15;1', 'x', 'f.csv')).toThrow(
      'f.csv:1: needs a "Date - Heure" column',
    );
  });
});
