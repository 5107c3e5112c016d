import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary } from './binaries.js';
import { removeTempDir, type Service, spawnService, tempDir } from './cleanup.js';
import { freePort, waitFor } from './ports.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pymodbus_server.py');
/** Debian's python3 sees python3-pymodbus; the python3 first on PATH may be another interpreter. */
const PYTHON = '/usr/bin/python3';

export type ModbusTable = 'coils' | 'discrete' | 'holding' | 'input';

export interface PymodbusUnit {
  coils?: Record<number, number[]>;
  discrete?: Record<number, number[]>;
  holding?: Record<number, number[]>;
  input?: Record<number, number[]>;
}

export interface PymodbusOptions {
  transport: 'tcp' | 'rtu';
  /** For rtu: the serial device (a socat PTY end). */
  device?: string;
  baudrate?: number;
  units: Record<number, PymodbusUnit>;
}

export interface TestPymodbus {
  /** For tcp. */
  port?: number;
  host: string;
  /** The unit stops answering, as if switched off. */
  off(unit: number): Promise<void>;
  on(unit: number): Promise<void>;
  set(unit: number, table: ModbusTable, address: number, values: number[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startPymodbus(options: PymodbusOptions): Promise<TestPymodbus> {
  requireBinary(PYTHON, 'python3-pymodbus');
  const dir = tempDir('tidegate-pymodbus-');
  const port = options.transport === 'tcp' ? await freePort() : undefined;
  const configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      transport: options.transport,
      port,
      device: options.device,
      baudrate: options.baudrate,
      units: options.units,
    }),
  );
  const service: Service = spawnService(PYTHON, [SCRIPT, configPath], { stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    await waitFor(
      () => service.output().includes('READY') || service.child.exitCode !== null,
      'pymodbus to start',
      20_000,
    );
  } catch (e) {
    await service.stop();
    throw e;
  }
  if (service.child.exitCode !== null) {
    const out = service.output();
    throw new Error(
      out.includes('No module named')
        ? `pymodbus is not installed: sudo apt-get install -y python3-pymodbus\n${out}`
        : `pymodbus exited:\n${out}`,
    );
  }
  let acked = 0;
  const command = async (line: string) => {
    acked++;
    const expected = acked;
    service.child.stdin?.write(`${line}\n`);
    await waitFor(
      () => (service.output().match(/^(OK|ERR) /gm)?.length ?? 0) >= expected,
      `pymodbus to apply "${line}"`,
      5_000,
      10,
    );
    if (/^ERR .*$/m.test(service.output().split('\n').slice(-3).join('\n')))
      throw new Error(`pymodbus refused "${line}": ${service.output().slice(-300)}`);
  };
  return {
    host: '127.0.0.1',
    port,
    off: (unit) => command(`off ${unit}`),
    on: (unit) => command(`on ${unit}`),
    set: (unit, table, address, values) => command(`set ${unit} ${table} ${address} ${values.join(',')}`),
    async stop() {
      await service.stop('SIGKILL');
      removeTempDir(dir);
    },
  };
}

/** The 16-bit words of an IEEE 754 float32, big-endian word and byte order (ABCD), as most meters send. */
export function float32Words(value: number): [number, number] {
  const buf = Buffer.alloc(4);
  buf.writeFloatBE(value);
  return [buf.readUInt16BE(0), buf.readUInt16BE(2)];
}
