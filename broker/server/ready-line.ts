import type { RunningBroker } from './broker.js';

/** One readable line that says where everything is: MQTT, the dashboard, InfluxDB. */
export function readyLine(running: RunningBroker): string {
  const parts = [`MQTT ${running.mqttUrl ?? running.mqttsUrl ?? 'off'}`];
  if (running.mqttUrl && running.mqttsUrl) parts.push(`MQTTS ${running.mqttsUrl}`);
  if (running.httpUrl) parts.push(`dashboard ${running.httpUrl}/`, `health ${running.httpUrl}/health`);
  const influx = running.ingestor?.stats.influxUrl;
  const database = running.config.ingest?.influx?.database;
  parts.push(influx ? `InfluxDB ${influx}${database ? ` (database ${database})` : ''}` : 'no in-process ingestor');
  return `broker ready: ${parts.join(' · ')}`;
}
