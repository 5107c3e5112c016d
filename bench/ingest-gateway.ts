import { connect } from 'node:net';
import { connectPacket, publishPacket } from '../broker/server/test-support/raw-mqtt.js';

/**
 * A gateway as a load generator, as light as a C client (mosquitto_pub): its MQTT packets are encoded
 * before the clock starts, written to one TCP connection all at once, and its PUBACKs are counted as they
 * come. So the benchmark times the broker and the ingestor, not an MQTT client library.
 */
export function prepareGateway(o: { gateway: string; password: string; device: string; payloads: string[] }) {
  const topic = `tidegate/${o.gateway}/data/${o.device}`;
  const connect = connectPacket({
    clientId: `${o.gateway}-pub`,
    clean: true,
    username: o.gateway,
    password: o.password,
  });
  const publishes = o.payloads.map((payload, i) => publishPacket(topic, payload, { qos: 1, id: (i % 65_535) + 1 }));
  return { connect, publishes };
}

/** Sends the prepared packets to mqtt://host:port; resolves once every PUBLISH is acknowledged. */
export function sendGateway(url: string, packets: ReturnType<typeof prepareGateway>): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(packets.connect);
      for (const p of packets.publishes) socket.write(p);
    });
    // Only CONNACK (0x20) and PUBACK (0x40) come back, four bytes each.
    let received = 0;
    let acked = 0;
    socket.on('data', (chunk: Buffer) => {
      for (let i = (4 - (received % 4)) % 4; i < chunk.length; i += 4)
        if (chunk[i] === 0x40) acked++;
        else if (chunk[i] !== 0x20) return reject(new Error(`unexpected packet type 0x${chunk[i]!.toString(16)}`));
      received += chunk.length;
      if (acked === packets.publishes.length) {
        socket.end();
        resolve();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after ${acked} of ${packets.publishes.length} PUBACKs`)));
  });
}
