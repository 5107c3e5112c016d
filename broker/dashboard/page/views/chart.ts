import uPlot from 'uplot';
import { formatClock } from '../../feed/format.js';
import type { Series } from '../../feed/series.js';
import { unitOf } from '../../feed/units.js';

/** A small live line chart of one field's recent values (uPlot: a few kB, canvas, fast). */
export class FieldChart {
  readonly element: HTMLDivElement;
  private plot: uPlot | undefined;
  private width = 0;

  constructor(private readonly field: string) {
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.element.dataset.chart = field;
  }

  update(series: Series, nowMs: number): void {
    const width = Math.max(160, this.element.clientWidth || 280);
    const data = series.window(nowMs) as uPlot.AlignedData;
    if (!this.plot) {
      this.width = width;
      const unit = unitOf(this.field);
      this.plot = new uPlot(
        {
          width,
          height: 110,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: true } },
          axes: [
            {
              size: 22,
              font: '10px system-ui',
              ticks: { size: 3 },
              values: (_u, splits) => splits.map((s) => formatClock(s * 1000)),
            },
            { size: 44, font: '10px system-ui', ticks: { size: 3 }, label: unit || undefined, labelSize: 12 },
          ],
          series: [{}, { label: this.field, stroke: '#1769aa', width: 1.5, points: { show: false } }],
        },
        data,
        this.element,
      );
      return;
    }
    if (width !== this.width) {
      this.width = width;
      this.plot.setSize({ width, height: 110 });
    }
    this.plot.setData(data);
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }
}
