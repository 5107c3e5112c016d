/**
 * The reference peer of bench/broker-throughput.ts, run as its own process with plain node (no
 * loader, as the compiled tidegate broker runs): plain aedes (no accounts, no ACL, memory
 * persistence) on the TCP port given as the first argument.
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.argv[2]);
const broker = await Aedes.createBroker();
createServer(broker.handle).listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => broker.close(() => process.exit(0)));
