import type { Reading } from '../../wire/index.js';
import { nowNs } from '../../wire/index.js';
import { prefixed } from '../counters.js';
import type { DeviceContext, DeviceHandle, DeviceState } from '../driver.js';
import { busOf } from './bus.js';
import { describeValue, type ValueResult, valuesOfBlock } from './convert.js';
import type { ModbusOptions } from './options.js';
import { type Block, planRequests, splitBlock } from './plan.js';
import { resolveRegisterMap } from './profiles.js';

const NS_PER_S = 1_000_000_000n;
/** 2000-01-01: a counter whose clock says earlier has not been set; its readings keep the poll time. */
const EARLIEST_TIME_S = 946_684_800n;

/** Exceptions that say the request's range is wrong (illegal data address, illegal data value). */
const SPLIT_ON = new Set([2, 3]);

/**
 * One Modbus slave read at each poll: the planned blocks go through the line's scheduler; values are
 * grouped into one reading per tag set. A block refused with exception 02 or 03 is split into one request
 * per value (for this and later polls), so one bad address costs only its own value, reported rejected.
 */
export async function openModbusDevice(options: ModbusOptions, context: DeviceContext): Promise<DeviceHandle> {
  const map = resolveRegisterMap(options);
  const { scheduler, timeoutMs } = busOf(options, context.runtime);
  const budget = { timeoutMs, retries: options.retries };
  let blocks: Block[] = planRequests(map.registers, map.planning);
  let state: DeviceState = 'starting';
  const setState = (next: DeviceState, reason?: string) => {
    if (next === state) return;
    state = next;
    context.sink.state(next, reason);
  };

  async function readBlock(block: Block, results: ValueResult[], silent: string[]): Promise<Block[]> {
    const outcome = await scheduler.read(options.unit, block.request, budget);
    if (outcome.kind === 'data') {
      results.push(...valuesOfBlock(block, outcome.data));
      return [block];
    }
    if (outcome.kind === 'no-answer') {
      silent.push(outcome.reason);
      for (const def of block.values) results.push({ def, problem: `no answer: ${outcome.reason}` });
      return [block];
    }
    // Only an address or quantity the slave refuses is worth a retry value by value; a busy or failing
    // slave (04, 06, ...) would refuse the single reads too.
    if (block.values.length > 1 && SPLIT_ON.has(outcome.error.code)) {
      const singles = splitBlock(block);
      for (const single of singles) await readBlock(single, results, silent);
      return singles;
    }
    for (const def of block.values) results.push({ def, problem: `modbus ${outcome.error.message}` });
    return [block];
  }

  async function poll(): Promise<Reading[]> {
    if (context.signal.aborted) return [];
    const time = nowNs();
    const results: ValueResult[] = [];
    const silent: string[] = [];
    const next: Block[] = [];
    for (const block of blocks) next.push(...(await readBlock(block, results, silent)));
    blocks = next;
    const answered = silent.length < next.length;
    if (!answered) {
      setState('down', silent[0]);
      return [];
    }
    setState('up');
    return readingsOf(results, time);
  }

  function readingsOf(results: ValueResult[], pollTime: bigint): Reading[] {
    const readings = new Map<string, Reading>();
    for (const result of results) {
      if ('problem' in result) {
        context.sink.rejected('value', `${describeValue(result.def)}: ${result.problem}`);
        continue;
      }
      const tags = { ...map.tags, ...result.def.tags };
      const key = JSON.stringify(Object.entries(tags).sort());
      let reading = readings.get(key);
      if (!reading) {
        reading = { measurement: map.measurement, tags, fields: {}, time: pollTime };
        readings.set(key, reading);
      }
      if (result.def.as !== 'time') reading.fields[result.def.field] = result.value;
      else if (typeof result.value === 'bigint' && result.value >= EARLIEST_TIME_S)
        reading.time = result.value * NS_PER_S;
      else
        context.sink.rejected(
          'value',
          `${describeValue(result.def)}: ${result.value} is not a plausible Unix time; the poll time is used`,
        );
    }
    const list = [...readings.values()].filter((reading) => Object.keys(reading.fields).length > 0);
    for (const reading of list) context.sink.reading(reading);
    return list;
  }

  return {
    poll,
    counters: () => prefixed('modbus', scheduler.counters(options.unit)),
    async close() {},
  };
}
