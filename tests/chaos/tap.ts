import mqtt, { type MqttClient } from 'mqtt';

/**
 * A live subscriber (an operator account) that counts data lines it sees more than once: readings
 * a gateway sent again because the PUBACK never came back. It sees only what arrives while it is
 * connected, so it is a floor, not a total; InfluxDB stores such a reading once anyway.
 */
export class DuplicateTap {
  private client: MqttClient | undefined;
  private readonly seen = new Set<string>();
  duplicates = 0;

  async start(url: string, username: string, password: string): Promise<void> {
    this.client = await mqtt.connectAsync(url, { username, password, reconnectPeriod: 200, clean: true });
    this.client.on('error', () => {});
    this.client.on('connect', () => void this.client?.subscribe('tidegate/+/data/+', { qos: 0 }));
    this.client.on('message', (topic, payload) => {
      for (const line of payload.toString().split('\n')) {
        const key = `${topic} ${line}`;
        if (this.seen.has(key)) this.duplicates++;
        else this.seen.add(key);
      }
    });
    await this.client.subscribeAsync('tidegate/+/data/+', { qos: 0 });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
  }
}
