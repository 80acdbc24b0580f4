// The jobs `npm run bench` gives its load processes (load-worker.ts), and the handle it keeps on each.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `connections` loops, each sending intakes one after another over a keep-alive connection, for `durationMs`. */
export interface IntakeJob {
  kind: 'intake';
  url: string;
  path: string;
  headers: Record<string, string>;
  connections: number;
  durationMs: number;
  /** Makes the ERC task ids unique across jobs. */
  prefix: string;
}

export interface NurseJob {
  kind: 'nurses';
  url: string;
  /** '/api' (the console) or '/floor'. */
  prefix: string;
  durationMs: number;
  /** `body` goes into every request (the floor names the nurse there; the console knows her by the cookie). */
  nurses: { headers: Record<string, string>; body: Record<string, string>; taskIds: string[] }[];
}

export interface SocketsJob {
  kind: 'sockets';
  /** Sockets are spread over these servers in turn. */
  urls: string[];
  count: number;
  cookie?: string;
  eventType: string;
}

export type JobResult =
  | { kind: 'intake'; latencies: number[]; errors: number }
  | { kind: 'nurses'; claim: number[]; call: number[]; outcome: number[]; errors: number }
  | { kind: 'sockets'; connected: number }
  | { kind: 'closed' };

export type WorkerMessage =
  | { kind: 'done'; result: JobResult }
  | { kind: 'failed'; message: string }
  /** Every socket of this worker has heard of the task, at these wall-clock instants (ms). */
  | { kind: 'heard'; taskId: string; times: number[] };

/**
 * An intake as the ERC sends it (the console's contract; the floor parses the same). Patients
 * differ: the callback number follows from the ERC id, so almost every intake has its own number;
 * one in 20 calls back from a pool of 10 numbers, so the re-contact links still have work to do.
 */
export function intakeBody(ercTaskId: string) {
  return {
    ercTaskId, urgency: 'D', taskCode: '745', receivedAt: new Date().toISOString(), municipality: 'Oulu', address: 'Testikatu 1',
    callbackPhone: benchPhone(ercTaskId), patientAge: 80, patientSex: 'female', summary: 'Benchmark task',
  };
}

function benchPhone(ercTaskId: string): string {
  let hash = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < ercTaskId.length; i++) hash = Math.imul(hash ^ ercTaskId.charCodeAt(i), 0x01000193) >>> 0;
  const repeat = hash % 20 === 0;
  return `+35840${repeat ? `900000${hash % 10}` : String(hash % 10_000_000).padStart(7, '0')}`;
}

/** One forked load process. */
export class LoadProcess {
  private readonly child: ChildProcess;
  private pending: { resolve(result: JobResult): void; reject(err: Error): void } | undefined;
  /** Called for each 'heard' report of a sockets job. */
  onHeard: (taskId: string, times: number[]) => void = () => undefined;

  constructor() {
    this.child = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: WorkerMessage) => {
      if (message.kind === 'heard') return this.onHeard(message.taskId, message.times);
      const pending = this.pending;
      this.pending = undefined;
      if (message.kind === 'done') pending?.resolve(message.result);
      else pending?.reject(new Error(`load process: ${message.message}`));
    });
    this.child.on('exit', (code) => this.pending?.reject(new Error(`load process exited with ${code}`)));
  }

  run(job: IntakeJob | NurseJob | SocketsJob | { kind: 'close' }): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(job);
    });
  }

  stop(): void {
    this.child.kill();
  }
}
