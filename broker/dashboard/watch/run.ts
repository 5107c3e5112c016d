import mqtt from 'mqtt';
import { Topics } from '../../../wire/index.js';
import { readFeedMessage } from '../feed/message.js';
import { resolveWatchCredentials } from './credentials.js';
import { COLOURS, formatFeedMessage, PLAIN } from './format.js';

export interface WatchOptions {
  url: string;
  username?: string;
  passwordFile?: string;
  gateway?: string;
  device?: string;
  prefix: string;
  /** Stop after this many readings (for scripts); runs until interrupted otherwise. */
  count?: number;
  color: boolean;
}

/** What the feed needs of the terminal: where lines and problems go. */
export interface WatchOutput {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
}

/**
 * `tidegate watch`: subscribes with an operator account and prints the live feed, one line per
 * reading, status or event. Resolves when interrupted or when `count` readings were shown; rejects
 * when the broker refuses the account. Bad messages are counted and told on stderr, never fatal.
 */
export async function runWatch(options: WatchOptions, io: WatchOutput = { out: process.stdout, err: process.stderr }) {
  const topics = new Topics(options.prefix);
  const filters = subscriptions(topics, options.gateway, options.device);
  const credentials = resolveWatchCredentials(options);
  for (const w of credentials.warnings) io.err.write(`tidegate watch: ${w}\n`);
  const paint = options.color && io.out.isTTY && !process.env.NO_COLOR ? COLOURS : PLAIN;

  const client = mqtt.connect(options.url, {
    username: credentials.username,
    password: credentials.password,
    protocolVersion: 4,
    clientId: `tidegate-watch-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    clean: true,
    reconnectPeriod: 2_000,
    connectTimeout: 10_000,
  });
  let readings = 0;
  let unreadable = 0;
  let connectedOnce = false;
  let lostTold = false;

  return new Promise<{ readings: number; unreadable: number }>((resolve, reject) => {
    const finish = (err?: Error) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      client.end(true, {}, () => (err ? reject(err) : resolve({ readings, unreadable })));
    };
    const stop = () => finish();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);

    client.on('connect', () => {
      if (lostTold) io.err.write(`tidegate watch: connected again to ${options.url}\n`);
      lostTold = false;
      connectedOnce = true;
      client.subscribe(filters, { qos: 0 }, (err, granted) => {
        const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
        if (err || refused.length)
          finish(new Error(`the broker refused to let this account read ${refused.join(', ') || err?.message}`));
      });
    });
    client.on('error', (err: Error & { code?: number }) => {
      if (err.code === 4 || err.code === 5)
        finish(new Error(`the broker at ${options.url} refused the user name or password`));
      else if (!connectedOnce && !lostTold) {
        io.err.write(`tidegate watch: cannot reach ${options.url} (${err.message}), retrying\n`);
        lostTold = true;
      }
    });
    client.on('close', () => {
      if (!lostTold && connectedOnce) {
        io.err.write(`tidegate watch: connection to ${options.url} lost, reconnecting\n`);
        lostTold = true;
      }
    });
    client.on('message', (topic, payload) => {
      const message = readFeedMessage(topics, topic, payload.toString('utf8'));
      if (options.device && message.kind === 'event' && message.event.device !== options.device) return;
      const { lines, problem } = formatFeedMessage(message, Date.now(), paint);
      for (const line of lines) io.out.write(`${line}\n`);
      if (problem) {
        unreadable++;
        io.err.write(`tidegate watch: ${problem}\n`);
      }
      if (message.kind === 'data') {
        readings += message.readings.length;
        if (options.count !== undefined && readings >= options.count) finish();
      }
    });
  });
}

function subscriptions(topics: Topics, gateway?: string, device?: string): string[] {
  if (!gateway) {
    if (device) throw new Error('--device needs --gateway (device ids are only unique within a gateway)');
    return [topics.allStatus(), topics.allEvents(), topics.allData()];
  }
  const data = device ? topics.data(gateway, device) : `${topics.prefix}/${gateway}/data/+`;
  return [topics.status(gateway), topics.events(gateway), data];
}
