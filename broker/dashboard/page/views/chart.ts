import uPlot from 'uplot';
import { formatClock, formatNumber, scaleFor } from '../../feed/format.js';

/** One line of a chart: a tag set's points (ms, values), oldest first. */
export interface ChartLine {
  label: string;
  times: number[];
  values: (number | null)[];
}

const COLOURS = ['#1769aa', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#4d7c0f'];
const HEIGHT = 120;
const LIVE_WINDOW_MS = 5 * 60_000;
/** Axis text is 10 px system-ui: about 6 px a character, plus the tick and a margin. */
const axisWidth = (_u: uPlot, values: string[]) =>
  values ? Math.ceil(Math.max(3, ...values.map((v) => v.length)) * 6.2) + 12 : 40;

/**
 * A line chart of one field over the chosen range (uPlot: canvas, fast), one line per tag set. The
 * unit is scaled to the largest value shown (kWh rather than millions of Wh) and told in `unit`.
 */
export class FieldChart {
  readonly element: HTMLDivElement;
  /** The unit the axis is drawn in, for the caption. */
  shownUnit: string;
  private plot: uPlot | undefined;
  private lines = 0;
  private width = 0;
  private scale: { factor: number; unit: string };
  private window: [number, number] = [0, 1];

  constructor(
    private readonly field: string,
    private readonly unit: string,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.element.dataset.chart = field;
    this.scale = { factor: 1, unit };
    this.shownUnit = unit;
  }

  update(lines: ChartLine[], fromMs: number, toMs: number): void {
    // A chart with less than the range stored (live only, a new device) spans what it has, 5 min at least.
    const earliest = Math.min(...lines.map((l) => l.times[0] ?? toMs));
    const from = Math.max(fromMs, Math.min(earliest, toMs - LIVE_WINDOW_MS));
    this.window = [from / 1000, toMs / 1000];
    const data = align(lines);
    let max = 0;
    for (let i = 1; i < data.length; i++)
      for (const v of data[i] as (number | null)[]) if (v !== null) max = Math.max(max, Math.abs(v));
    this.scale = scaleFor(this.unit, max);
    this.shownUnit = this.scale.unit;
    const width = Math.max(160, this.element.clientWidth || 280);
    if (!this.plot || lines.length !== this.lines) {
      this.plot?.destroy();
      this.lines = lines.length;
      this.width = width;
      this.plot = new uPlot(this.options(lines, width), data, this.element);
      return;
    }
    if (width !== this.width) {
      this.width = width;
      this.plot.setSize({ width, height: HEIGHT });
    }
    this.plot.setData(data);
  }

  private options(lines: ChartLine[], width: number): uPlot.Options {
    const several = lines.length > 1;
    return {
      width,
      height: HEIGHT,
      legend: { show: several, live: false },
      cursor: { show: false },
      // The y range hugs the data: an energy index of 12,346 kWh that moves by a few kWh is not a flat line at the top.
      scales: { x: { time: true, range: () => this.window }, y: { range: hug } },
      axes: [
        {
          size: 22,
          font: '10px system-ui',
          ticks: { size: 3 },
          values: (_u, splits) => splits.map((s) => clockOrDate(s * 1000, this.window)),
        },
        {
          size: axisWidth,
          font: '10px system-ui',
          ticks: { size: 3 },
          values: (_u, splits) => splits.map((s) => formatNumber(s / this.scale.factor)),
        },
      ],
      series: [
        {},
        ...lines.map((l, i) => ({
          label: l.label || this.field,
          stroke: COLOURS[i % COLOURS.length],
          width: 1.5,
          spanGaps: true,
          // A line of a few points (a 6-minute counter, a device just started) shows its points.
          points: { show: (_u: uPlot, _s: number, i0: number, i1: number) => i1 - i0 < 20, size: 4 },
        })),
      ],
    };
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }
}

function hug(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null) return [0, 1];
  const pad = Math.max((max - min) * 0.08, Math.abs(max) * 0.0005, 0.5);
  return [min >= 0 && min - pad < 0 ? 0 : min - pad, max + pad];
}

/** Ticks of a range over a day show the day instead of the time. */
function clockOrDate(ms: number, window: [number, number]): string {
  if (window[1] - window[0] <= 86_400 * 1.01) return formatClock(ms).slice(0, 5);
  const d = new Date(ms);
  return `${d.getDate()}/${d.getMonth() + 1}`;
}

/** Lines with their own times → uPlot's one x array (seconds) and a y array per line (null where none). */
export function align(lines: ChartLine[]): uPlot.AlignedData {
  if (lines.length === 1) {
    const [l] = lines as [ChartLine];
    return [l.times.map((t) => t / 1000), l.values];
  }
  const times = [...new Set(lines.flatMap((l) => l.times))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const ys = lines.map((l) => {
    const out: (number | null)[] = new Array(times.length).fill(null);
    l.times.forEach((t, i) => {
      out[index.get(t) as number] = l.values[i] ?? null;
    });
    return out;
  });
  return [times.map((t) => t / 1000), ...ys];
}
