import cron from 'node-cron';
import type { InfluxConnection } from '../schema/http.js';
import { type CarbonSummary, computeCarbon } from './compute.js';
import type { CarbonConfig } from './config.js';
import { loadIntensityCsv } from './intensity-csv.js';

const HOUR_NS = 3_600_000_000_000n;

export interface CarbonSchedule {
  stop(): Promise<void>;
}

/**
 * Recomputes the carbon points of the last `lookbackHours` whole hours on a cron schedule (default at
 * minute 7 of every hour). Each run overwrites the same points, so readings that arrive late (a gateway
 * replaying its buffer) are taken into account by the next runs. The éCO2mix file is re-read each run.
 */
export function startCarbonSchedule(options: {
  connection: InfluxConnection;
  config: CarbonConfig;
  cron?: string;
  lookbackHours?: number;
  onRun?: (summary: CarbonSummary) => void;
  onError?: (error: Error) => void;
}): CarbonSchedule {
  const expression = options.cron ?? '7 * * * *';
  if (!cron.validate(expression)) throw new Error(`carbon schedule: "${expression}" is not a cron expression`);
  let running: Promise<void> | undefined;
  const run = async () => {
    try {
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      const toNs = nowNs - (nowNs % HOUR_NS);
      const fromNs = toNs - BigInt(options.lookbackHours ?? 48) * HOUR_NS;
      const csv = options.config.electricity.intensityCsv;
      const summary = await computeCarbon(options.connection, {
        fromNs,
        toNs,
        config: options.config,
        intensitySeries: csv ? loadIntensityCsv(csv) : undefined,
      });
      options.onRun?.(summary);
    } catch (e) {
      options.onError?.(e as Error);
    }
  };
  const task = cron.schedule(
    expression,
    async () => {
      running = run();
      await running;
    },
    { name: 'tidegate-carbon', noOverlap: true },
  );
  return {
    /** Stops the schedule and waits for a run in progress to end. */
    async stop() {
      await task.stop();
      await running;
      await task.destroy();
    },
  };
}
