/**
 * mqemitter (aedes' message bus) hands the next queued message on from inside the callback of the one
 * that finished. Once more messages are in flight than its `concurrency` (aedes: 100), they queue; when
 * a slow subscriber (a dashboard on a phone, an ingestor behind) lets the queue grow and then releases
 * it, every queued message whose deliveries complete synchronously nests one call deeper, and a long
 * queue ends in "Maximum call stack size exceeded": the broker process dies (seen under the dashboard
 * load benchmark). aedes#193 / #311 describe the same recursion.
 *
 * This bounds the nesting: past `maxDepth` nested dispatches, the next one starts on a fresh stack
 * (setImmediate). Order is kept, since the queue is only ever taken from its head.
 */
interface Dispatching {
  _parallel: (that: unknown, matches: unknown, message: unknown, done: unknown) => void;
}

export function unwindEmitter(mq: object, maxDepth = 64): void {
  const emitter = mq as Dispatching;
  if (typeof emitter._parallel !== 'function') return; // not an mqemitter (mqemitter-redis is one)
  const dispatch = emitter._parallel;
  let depth = 0;
  emitter._parallel = function (this: unknown, that, matches, message, done) {
    if (depth >= maxDepth) {
      setImmediate(() => emitter._parallel.call(this, that, matches, message, done));
      return;
    }
    depth++;
    try {
      dispatch.call(this, that, matches, message, done);
    } finally {
      depth--;
    }
  };
}
