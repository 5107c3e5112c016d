import type { Aedes } from 'aedes';
import { type Intake, SpillIntake, type SpillIntakeParts } from './intake.js';

/** A message as aedes' emitter hands it to a subscriber. */
type AedesPublishPacket = Parameters<Parameters<Aedes['subscribe']>[1]>[0];

/** How long a group that could not be committed (a disk error) waits before it is tried again. */
const RETRY_COMMIT_MS = 1000;
/** How often a full spill queue (spill.maxPoints) is looked at again. */
const FULL_RECHECK_MS = 100;

type Delivered = () => void;

/**
 * Data messages → the spill queue inside the broker's process, with no MQTT connection in between: the
 * ingestor subscribes on aedes' message emitter, which every publish goes through, and aedes sends a
 * gateway its PUBACK only once every subscriber has called back. So a message is called back only after
 * the spill queue's commit (messages of one turn of the event loop share one transaction), and the
 * ack-after-durable rule holds without the broker keeping a durable session (SQLite rows written and
 * deleted per message) for its own ingestor. A message that cannot be committed is held and tried again,
 * never acknowledged uncommitted: if the broker stops meanwhile, its gateway sends it again.
 */
export function startInProcessReader(aedes: Aedes, p: SpillIntakeParts) {
  const intake = new SpillIntake(p);
  const filter = p.topics.allData();
  let stopping = false;
  let group: { items: Intake[]; delivered: Delivered[] } = { items: [], delivered: [] };
  let scheduled = false;
  let waitingForRoom: { packet: AedesPublishPacket; delivered: Delivered }[] = [];
  let recheck: NodeJS.Timeout | undefined;

  const commit = (g: typeof group) => {
    if (stopping) return; // not acknowledged: the gateways send these again
    try {
      intake.commit(g.items);
    } catch (e) {
      p.log.error({ err: (e as Error).message }, 'spill queue write failed; holding the PUBACKs and trying again');
      setTimeout(() => commit(g), RETRY_COMMIT_MS).unref();
      return;
    }
    for (const delivered of g.delivered) delivered();
  };
  const take = (packet: AedesPublishPacket, delivered: Delivered) => {
    const kept = intake.decode(packet.topic, packet.payload);
    if (!kept) return delivered();
    group.items.push(kept);
    group.delivered.push(delivered);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const g = group;
      group = { items: [], delivered: [] };
      commit(g);
    });
  };
  const takeWaiting = () => {
    while (waitingForRoom.length > 0 && !intake.full()) {
      const next = waitingForRoom.shift()!;
      take(next.packet, next.delivered);
    }
    if (waitingForRoom.length === 0) {
      clearInterval(recheck);
      recheck = undefined;
    }
  };
  const deliver = (packet: AedesPublishPacket, delivered: Delivered) => {
    if (stopping) return;
    if (waitingForRoom.length === 0 && !intake.full()) return take(packet, delivered);
    if (!recheck) {
      p.log.warn({ backlog: p.journal.points }, 'spill queue full (spill.maxPoints): holding acknowledgements');
      recheck = setInterval(takeWaiting, FULL_RECHECK_MS);
    }
    waitingForRoom.push({ packet, delivered });
  };

  const subscribed = new Promise<void>((resolve) => aedes.subscribe(filter, deliver, resolve));
  return {
    subscribed,
    /** A message to the operators (the rejected topic), published as any client's would be. */
    publish(topic: string, body: string) {
      aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(body), qos: 0, retain: false, dup: false }, () => {});
    },
    async close() {
      stopping = true;
      clearInterval(recheck);
      waitingForRoom = [];
      await new Promise<void>((resolve) => aedes.unsubscribe(filter, deliver, resolve));
    },
  };
}
