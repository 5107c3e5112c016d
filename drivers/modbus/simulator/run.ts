import { createServer, type Socket } from 'node:net';
import { SerialPortOwner } from '../../serial/index.js';
import { loadProfile } from '../profiles.js';
import { encodeRtuFrame, scanForRequest } from '../protocol/rtu-frame.js';
import { encodeTcpFrame, splitTcpFrames } from '../protocol/tcp-frame.js';
import { RegisterImage } from './image.js';
import { answerPdu } from './slave.js';

export interface SimulatorOptions {
  profile: string;
  port?: string;
  tcp?: string;
  host?: string;
  unit?: string;
  baud?: string;
  parity?: string;
  /** No 'serving on …' line on stderr (for in-process use, the benchmark). */
  quiet?: boolean;
}

/** `tidegate simulate modbus`: serves the profile until the signal aborts; values move every second. */
export async function runSimulator(raw: Record<string, unknown>, signal: AbortSignal): Promise<void> {
  const options = raw as unknown as SimulatorOptions;
  if ((options.port === undefined) === (options.tcp === undefined))
    throw new Error('tidegate simulate modbus: give either --port PATH (RTU) or --tcp PORT');
  const unit = Number(options.unit ?? 1);
  if (!Number.isInteger(unit) || unit < 1 || unit > 247) throw new Error(`--unit ${options.unit}: 1 to 247`);
  const image = new RegisterImage(loadProfile(options.profile).registers);
  const started = Date.now();
  const ticker = setInterval(() => image.update((Date.now() - started) / 1000), 1000);
  try {
    if (options.tcp !== undefined)
      await serveTcp(image, options.host ?? '127.0.0.1', Number(options.tcp), signal, !options.quiet);
    else await serveRtu(image, options, unit, signal);
  } finally {
    clearInterval(ticker);
  }
}

async function serveTcp(image: RegisterImage, host: string, port: number, signal: AbortSignal, announce: boolean) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest, corrupt } = splitTcpFrames(Buffer.concat([buffer, chunk]));
      buffer = rest;
      for (const frame of frames)
        socket.write(encodeTcpFrame(frame.transactionId, frame.unit, answerPdu(image, frame.pdu)));
      if (corrupt) socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  if (announce) process.stderr.write(`modbus simulator: Modbus TCP on ${host}:${port}\n`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function serveRtu(image: RegisterImage, options: SimulatorOptions, unit: number, signal: AbortSignal) {
  const parity = (options.parity ?? 'none') as 'none' | 'even' | 'odd';
  const owner = new SerialPortOwner({ path: options.port!, baudRate: Number(options.baud ?? 9600), parity });
  let buffer: Buffer = Buffer.alloc(0);
  owner.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const scan = scanForRequest(buffer);
      if (scan.kind === 'partial') {
        buffer = buffer.subarray(scan.keepFrom);
        return;
      }
      buffer = buffer.subarray(scan.end);
      if (scan.unit === unit) void owner.write(encodeRtuFrame(unit, answerPdu(image, scan.pdu))).catch(() => {});
    }
  });
  const open = await owner.open();
  process.stderr.write(
    open
      ? `modbus simulator: Modbus RTU unit ${unit} on ${options.port}\n`
      : `modbus simulator: waiting for ${options.port} to appear (Modbus RTU unit ${unit})\n`,
  );
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await owner.close();
}
