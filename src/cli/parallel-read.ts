/**
 * Reading and analysing notes on several threads. A note's analysis is independent of every other
 * note, so the paths are cut into small batches that the main thread and the workers claim from a
 * shared counter until none is left: whoever is free takes the next batch, so a slow thread never
 * holds the others up. Workers post plain facts back; only the main thread indexes. The exchange is
 * synchronous (shared counters plus `receiveMessageOnPort`), so `loadVault` stays a plain function.
 *
 * Workers run `read-worker.js`, a small bundle built next to the CLI's (it starts in a fraction of
 * the time the whole CLI takes). From TypeScript sources (tests, tsx) there is no bundle to start,
 * and reading stays on one thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import type { IndexMetadata, NoteSource } from '../core/metadata';
import { analyzeNote, type NoteFacts } from '../core/note';
import { textHash } from './fact-cache';
import { READ_BATCH, readBatchForIndex } from './read-note';
import { parseYamlCore } from './yaml';

const MARK = 'attack-coverage/read-notes';
/**
 * Below this, threads cost more than they save: each thread warms its JIT up on its own share, and on a
 * 5,000-note vault even the bare read-and-parse loop runs no faster on two threads than on one.
 */
export const PARALLEL_MIN_NOTES = 8000;
/** Shared counters: [0] messages posted (the main thread sleeps on it), [1] next batch to claim. */
const POSTED = 0;
const NEXT = 1;

interface ReadJob {
  mark: typeof MARK;
  root: string;
  paths: string[];
  port: MessagePort;
  counters: Int32Array;
  /** Whether to hash each note's text too, for the fact cache. */
  hash: boolean;
}

/** Facts of a batch of notes, with the hash of each note's text when asked for (undefined for unreadable notes). */
export interface AnalyzedBatch {
  facts: NoteFacts[];
  hashes?: Array<string | undefined>;
}

type Message = AnalyzedBatch | { done: true } | { error: string };

const ENV = { parseYaml: parseYamlCore };

/** The next batch of `paths` nobody has claimed yet, or null when all are taken. */
function claim(counters: Int32Array, paths: readonly string[]): readonly string[] | null {
  // One read batch per claim: small enough to balance the threads, large enough that messages stay few.
  const from = Atomics.add(counters, NEXT, 1) * READ_BATCH;
  return from < paths.length ? paths.slice(from, from + READ_BATCH) : null;
}

export function analyzeBatch(root: string, batch: readonly string[], hash: boolean): AnalyzedBatch {
  return analyzeSources(readBatchForIndex(root, batch), hash);
}

/** Facts of notes already read, with the hashes of their texts when asked for. */
export function analyzeSources(sources: ReadonlyArray<NoteSource<IndexMetadata>>, hash: boolean): AnalyzedBatch {
  const facts = sources.map((source) => analyzeNote(source, ENV));
  return hash ? { facts, hashes: sources.map((s) => (s.text === undefined ? undefined : textHash(s.text))) } : { facts };
}

export function isReadWorker(): boolean {
  return (workerData as Partial<ReadJob> | null)?.mark === MARK;
}

/** Worker side: claim batches until none is left, posting each batch's facts and waking the main thread. */
export function runReadWorker(): void {
  const job = workerData as ReadJob;
  const post = (m: Message): void => {
    job.port.postMessage(m);
    Atomics.add(job.counters, POSTED, 1);
    Atomics.notify(job.counters, POSTED);
  };
  try {
    for (let batch = claim(job.counters, job.paths); batch; batch = claim(job.counters, job.paths)) {
      post(analyzeBatch(job.root, batch, job.hash));
    }
    post({ done: true });
  } catch (e) {
    post({ error: e instanceof Error ? e.message : String(e) });
  }
}

/** The worker bundle beside the running CLI bundle, else null (sources run single-threaded). */
function workerFile(): string | null {
  if (!__filename.endsWith('.js')) return null;
  const file = join(__dirname, 'read-worker.js');
  return existsSync(file) ? file : null;
}

/**
 * How many threads read, the main one included. `ATTACK_COVERAGE_THREADS` overrides the choice
 * (1 turns threads off).
 */
export function threadsFor(notes: number): number {
  if (!workerFile()) return 1;
  const forced = Number(process.env.ATTACK_COVERAGE_THREADS);
  if (Number.isInteger(forced) && forced > 0) return Math.min(forced, 16);
  if (notes < PARALLEL_MIN_NOTES) return 1;
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/**
 * Analyse `paths` on `threads` threads (this one and `threads - 1` workers), handing each batch of
 * facts to `onBatch` on this thread as it is ready. Throws if a worker fails, so the caller can start
 * again on one thread.
 */
export function readInParallel(root: string, paths: string[], threads: number, onBatch: (batch: AnalyzedBatch) => void, opts: { hash?: boolean } = {}): void {
  const file = workerFile();
  if (!file) throw new Error('parallel reading needs the bundled CLI');
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const workers: Array<{ worker: Worker; port: MessagePort; done: boolean }> = [];
  try {
    for (let k = 1; k < threads; k++) {
      const { port1, port2 } = new MessageChannel();
      const job: ReadJob = { mark: MARK, root, paths, port: port2, counters, hash: opts.hash ?? false };
      workers.push({ worker: new Worker(file, { workerData: job, transferList: [port2] }), port: port1, done: false });
    }
    const drain = (): void => {
      for (const w of workers) {
        for (let m = receiveMessageOnPort(w.port); m; m = receiveMessageOnPort(w.port)) {
          const msg = m.message as Message;
          if ('facts' in msg) onBatch(msg);
          else if ('done' in msg) w.done = true;
          else throw new Error(`a reader thread failed: ${msg.error}`);
        }
      }
    };
    // This thread reads too, and indexes what the workers have posted between its own batches.
    for (let batch = claim(counters, paths); batch; batch = claim(counters, paths)) {
      onBatch(analyzeBatch(root, batch, opts.hash ?? false));
      drain();
    }
    let seen = Atomics.load(counters, POSTED);
    drain();
    while (workers.some((w) => !w.done)) {
      Atomics.wait(counters, POSTED, seen, 60_000);
      seen = Atomics.load(counters, POSTED);
      drain();
    }
  } finally {
    for (const w of workers) {
      w.port.close();
      void w.worker.terminate();
    }
  }
}
