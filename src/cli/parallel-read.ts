/**
 * Reading and analysing notes on several threads. A note's analysis is independent of every other
 * note, so large vaults are split across worker threads that post plain facts back; the main thread
 * only indexes them. The exchange is synchronous (a shared counter plus `receiveMessageOnPort`), so
 * `loadVault` stays a plain function. Workers run the bundled CLI file itself (`dist/cli.js`); from
 * TypeScript sources (tests, tsx) there is no bundle to start, and reading stays on one thread.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { analyzeNote, type NoteFacts } from '../core/note';
import { readNote } from './vault';
import { parseYamlCore } from './yaml';

const MARK = 'attack-coverage/read-notes';
const BATCH = 250;
/** Below this, starting threads costs more than it saves. */
export const PARALLEL_MIN_NOTES = 2000;

interface ReadJob {
  mark: typeof MARK;
  root: string;
  paths: string[];
  port: MessagePort;
  signal: Int32Array;
}

type Message = { facts: NoteFacts[] } | { done: true } | { error: string };

export function isReadWorker(): boolean {
  return (workerData as Partial<ReadJob> | null)?.mark === MARK;
}

/** Worker side: analyse the slice, post facts in batches, wake the main thread after each post. */
export function runReadWorker(): void {
  const job = workerData as ReadJob;
  const post = (m: Message): void => {
    job.port.postMessage(m);
    Atomics.add(job.signal, 0, 1);
    Atomics.notify(job.signal, 0);
  };
  try {
    let batch: NoteFacts[] = [];
    for (const path of job.paths) {
      batch.push(analyzeNote(readNote(job.root, path), { parseYaml: parseYamlCore }));
      if (batch.length === BATCH) {
        post({ facts: batch });
        batch = [];
      }
    }
    post({ facts: batch });
    post({ done: true });
  } catch (e) {
    post({ error: e instanceof Error ? e.message : String(e) });
  }
}

/** The bundled CLI file when running from it, else null (sources run single-threaded). */
function bundleFile(): string | null {
  return __filename.endsWith('.js') ? __filename : null;
}

/** `ATTACK_COVERAGE_THREADS` overrides the choice (1 turns threads off). */
export function threadsFor(notes: number): number {
  const forced = Number(process.env.ATTACK_COVERAGE_THREADS);
  if (!bundleFile()) return 1;
  if (Number.isInteger(forced) && forced > 0) return Math.min(forced, 16);
  if (notes < PARALLEL_MIN_NOTES) return 1;
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/**
 * Analyse `paths` on `threads` workers, handing each batch of facts to `onFacts` as it arrives, in
 * arrival order. Throws if a worker fails, so the caller can fall back to reading on one thread.
 */
export function readInParallel(root: string, paths: string[], threads: number, onFacts: (facts: NoteFacts[]) => void): void {
  const file = bundleFile();
  if (!file) throw new Error('parallel reading needs the bundled CLI');
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const slices: string[][] = Array.from({ length: threads }, () => []);
  paths.forEach((p, i) => slices[i % threads]?.push(p));
  const workers: Array<{ worker: Worker; port: MessagePort; done: boolean }> = [];
  try {
    for (const slice of slices) {
      const { port1, port2 } = new MessageChannel();
      const job: ReadJob = { mark: MARK, root, paths: slice, port: port2, signal };
      workers.push({ worker: new Worker(file, { workerData: job, transferList: [port2] }), port: port1, done: false });
    }
    let seen = 0;
    while (workers.some((w) => !w.done)) {
      Atomics.wait(signal, 0, seen, 60_000);
      seen = Atomics.load(signal, 0);
      for (const w of workers) {
        for (let m = receiveMessageOnPort(w.port); m; m = receiveMessageOnPort(w.port)) {
          const msg = m.message as Message;
          if ('facts' in msg) onFacts(msg.facts);
          else if ('done' in msg) w.done = true;
          else throw new Error(`a reader thread failed: ${msg.error}`);
        }
      }
    }
  } finally {
    for (const w of workers) {
      w.port.close();
      void w.worker.terminate();
    }
  }
}
