import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  /** The last few kB the process wrote (for a failure report). */
  output(): string;
  /** Ends the process (SIGTERM by default) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node server/main.ts` as its own process and resolves with its URL once /readyz answers 200.
 * The process picks its own port (PORT=0) and the URL comes from its "listening" log line: a port
 * chosen here and freed before the child binds it could be taken meanwhile by another test file's
 * server, whose /readyz would then answer for a child that never started.
 */
export async function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', ADMIN_PASSWORD: 'admin-password-for-tests', ...env, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep reading, or a full pipe would block the server's logging and with it the server.
  let output = '';
  let port: string | undefined;
  const keep = (d: Buffer) => {
    const text = d.toString();
    port ??= /console listening on http:\/\/localhost:(\d+)/.exec(output.slice(-200) + text)?.[1];
    output = (output + text).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // Creating a new embedded database takes several seconds, far more on a loaded machine.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node exited with ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) throw new Error(`node did not become ready: ${output}`);
    const ready = port !== undefined && (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false));
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

/** Runs one of the npm scripts' programs (server/cli/NAME.ts) as an operator would: exit code and output. */
export function runCliProgram(name: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', `server/cli/${name}.ts`, ...args], { env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr });
    });
  });
}
