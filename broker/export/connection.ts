import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { InfluxConnection } from '../schema/http.js';

/**
 * The InfluxDB options shared by the analysts' commands (export, carbon). The password is never a flag
 * (it would show in `ps` and shell history): it is read from --password-file or $TIDEGATE_INFLUX_PASSWORD.
 */
export function addInfluxOptions(command: Command): Command {
  return command
    .option('--influx-url <url>', 'InfluxDB base URL', process.env.TIDEGATE_INFLUX_URL ?? 'http://127.0.0.1:8086')
    .option('--database <name>', 'InfluxDB database', 'tidegate')
    .option('--username <name>', 'InfluxDB user')
    .option('--password-file <path>', 'file holding the InfluxDB password (or set TIDEGATE_INFLUX_PASSWORD)');
}

export function connectionFromOptions(options: {
  influxUrl: string;
  database: string;
  username?: string;
  passwordFile?: string;
}): InfluxConnection {
  const password = options.passwordFile
    ? readFileSync(options.passwordFile, 'utf8').trim()
    : process.env.TIDEGATE_INFLUX_PASSWORD;
  return {
    url: options.influxUrl.replace(/\/+$/, ''),
    database: options.database,
    username: options.username,
    password: password || undefined,
  };
}
