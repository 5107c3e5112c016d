import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TIDEGATE = fileURLToPath(new URL('../tidegate.js', import.meta.url));

/** The demo's child processes: each is stopped, in reverse order of start, when the demo stops. */
export class ProcessGroup {
  private readonly children: { name: string; child: ChildProcess }[] = [];

  constructor(private readonly onOutput: (name: string, line: string) => void) {}

  /** Runs `tidegate <args>` as a child, its output prefixed with `name`. */
  tidegate(name: string, args: string[]): ChildProcess {
    return this.spawn(name, process.execPath, [TIDEGATE, ...args]);
  }

  spawn(name: string, command: string, args: string[]): ChildProcess {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TIDEGATE_PARENT_PID: String(process.pid) },
    });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.onOutput(name, line);
      });
    }
    child.on('error', (e) => this.onOutput(name, `could not start: ${e.message}`));
    this.children.push({ name, child });
    return child;
  }

  /** A virtual null-modem cable: two linked pseudo-terminals at `${base}-a` and `${base}-b`. */
  async ptyPair(name: string, base: string): Promise<{ a: string; b: string }> {
    const a = `${base}-a`;
    const b = `${base}-b`;
    this.spawn(name, 'socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`]);
    const deadline = Date.now() + 10_000;
    while (!(existsSync(a) && existsSync(b))) {
      if (Date.now() > deadline)
        throw new Error(`socat did not create ${a} and ${b} (is the Debian package socat installed?)`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { a, b };
  }

  async stopAll(): Promise<void> {
    for (const { child } of this.children.reverse()) await stop(child);
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
