import { join } from 'node:path';
import type { Reading } from '../../wire/reading.js';
import { DeviceConsent } from './consent/device-consent.js';
import { localClock } from './consent/local-time.js';
import { loadSavedState, type SavedState } from './consent/saved-state.js';
import { type PrivacyCounters, zeroCounters } from './counters.js';
import { coarsenLocation } from './location/grid.js';
import { type PrivacyOptionsInput, PrivacyOptionsSchema } from './options.js';
import { pseudonymize } from './pseudonym/apply.js';
import { loadOrCreateKey } from './pseudonym/key-file.js';
import type { PrivacyStage } from './stage.js';
import { writeJsonAtomic } from './state-file.js';

export const STATE_FILE = 'privacy-state.json';

export interface TidegatePrivacyStage extends PrivacyStage {
  counters(): PrivacyCounters;
  /** True when identifiers are pseudonymized; false when they are withheld for want of a key. */
  readonly hasKey: boolean;
}

/**
 * The gateway's privacy stage: identifiers become keyed pseudonyms, self-data devices release only
 * what their owners consented to, and their readings carry only the gateway's 200 m grid cell.
 * Throws (naming the key) only on invalid options; everything else is counted and reported.
 */
export function createPrivacyStage(input: PrivacyOptionsInput = {}): TidegatePrivacyStage {
  const parsed = PrivacyOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`privacy options: key ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const options = parsed.data;
  const reported = new Set<string>();
  const report = (message: string) => {
    if (reported.has(message)) return;
    reported.add(message);
    input.onProblem?.(message);
  };
  const counters = zeroCounters();

  let key: Buffer | undefined;
  if (options.keyFile) {
    const loaded = loadOrCreateKey(options.keyFile, { create: options.createKey });
    if (loaded.ok) {
      key = loaded.key;
      if (loaded.warning) report(loaded.warning);
    } else report(`${loaded.problem}: identifiers will be withheld, not published`);
  }

  const clock = localClock(options.timeZone);
  const cell = options.location ? coarsenLocation(options.location).cell : undefined;
  const statePath = options.stateDir ? join(options.stateDir, STATE_FILE) : undefined;
  const saved: SavedState = statePath ? loadSavedState(statePath, report) : { version: 1, devices: {} };
  if (!statePath && options.devices.some((d) => d.consent === 'daily' || d.consent === 'half-hourly')) {
    report('privacy: no stateDir: open daily and half-hourly periods will not survive a restart');
  }

  // Devices no longer in the config are withdrawn: their open periods are discarded, never released.
  const devices = new Map<string, DeviceConsent>();
  const state: SavedState = { version: 1, devices: {} };
  for (const { id, consent } of options.devices) {
    const device = new DeviceConsent(id, consent, clock, saved.devices[id]);
    devices.set(id, device);
    state.devices[id] = device.state;
  }
  let replay: Reading[] | undefined = [...devices.values()].flatMap((d) => d.replay());

  let lastSave = Date.now();
  let dirty = true;
  const save = (now: boolean) => {
    if (!statePath || !dirty || (!now && Date.now() - lastSave < options.saveEveryMs)) return;
    try {
      writeJsonAtomic(statePath, state);
      dirty = false;
      lastSave = Date.now();
    } catch (error) {
      counters.stateSaveFailures++;
      report(`${statePath}: cannot save the aggregation state: ${(error as Error).message}`);
    }
  };
  save(true);

  /**
   * After a restart, the last aggregates go out again on the first tick (InfluxDB keeps one point per
   * series and time); each carries its `device` tag, as everything `tick()` returns does.
   */
  const takeReplay = (): Reading[] => {
    const out = replay ?? [];
    replay = undefined;
    counters.aggregatesReleased += out.length;
    return out;
  };

  return {
    get hasKey() {
      return key !== undefined;
    },
    counters: () => ({ ...counters }),
    process(deviceId, raw) {
      const out: Reading[] = [];
      counters.readingsIn++;
      const { reading, replaced, withheld } = pseudonymize(raw, key);
      counters.identifiersPseudonymized += replaced;
      counters.identifiersWithheld += withheld;
      if (withheld) report(`privacy: no pseudonym key: identifiers of ${deviceId} are withheld`);
      if (Object.keys(reading.fields).length === 0) {
        counters.readingsEmptied++;
        return out;
      }
      const device = devices.get(deviceId);
      if (!device) {
        counters.readingsPassed++;
        out.push(reading);
        return out;
      }
      const located = cell ? { ...reading, tags: { ...reading.tags, cell } } : reading;
      const outcome = device.process(located);
      counters.aggregatesReleased += outcome.released;
      counters.counterResets += outcome.counterResets;
      if (outcome.refused) counters.readingsRefused++;
      else if (outcome.aggregated) counters.readingsAggregated++;
      else counters.readingsPassed++;
      out.push(...outcome.out);
      dirty = true;
      save(outcome.structural);
      return out;
    },
    tick(nowNs) {
      const out = takeReplay();
      let structural = false;
      for (const device of devices.values()) {
        const ticked = device.tick(nowNs);
        counters.aggregatesReleased += ticked.out.length;
        out.push(...ticked.out);
        structural ||= ticked.structural;
      }
      if (structural) dirty = true;
      save(structural);
      return out;
    },
    close() {
      save(true);
    },
  };
}
