/** What the privacy stage did, counted since it was created (for the gateway's status and events). */
export interface PrivacyCounters {
  readingsIn: number;
  /** Readings released as read (devices without consent settings, or `raw`). */
  readingsPassed: number;
  /** Readings of self-data devices held back into a daily or half-hourly aggregate. */
  readingsAggregated: number;
  /** Daily and half-hourly aggregates released. */
  aggregatesReleased: number;
  /** Readings refused by consent (`none`, or a non-electricity reading of an aggregated device). */
  readingsRefused: number;
  identifiersPseudonymized: number;
  /** Identifier values dropped because the stage has no key. */
  identifiersWithheld: number;
  /** Readings dropped because nothing was left of them once their identifiers were withheld. */
  readingsEmptied: number;
  /** Index fields that went backwards (meter replaced or reset) inside a period. */
  counterResets: number;
  stateSaveFailures: number;
}

export function zeroCounters(): PrivacyCounters {
  return {
    readingsIn: 0,
    readingsPassed: 0,
    readingsAggregated: 0,
    aggregatesReleased: 0,
    readingsRefused: 0,
    identifiersPseudonymized: 0,
    identifiersWithheld: 0,
    readingsEmptied: 0,
    counterResets: 0,
    stateSaveFailures: 0,
  };
}
