/**
 * Reading on several threads gives exactly what reading on one gives. Threads start only from the
 * bundled CLI, so this runs `dist/cli.js` and its `dist/read-worker.js` (built by `npm run build`, which CI
 * runs before the tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticVault } from '../../bench/synthetic';

const CLI = join(__dirname, '../../dist/cli.js');
function run(vault: string, threads: number): unknown {
  const r = spawnSync('node', [CLI, 'scan', vault, '--json'], { env: { ...process.env, ATTACK_COVERAGE_THREADS: String(threads) }, maxBuffer: 1 << 30 });
  expect(r.status).toBe(0);
  // A thread that fails makes the CLI read again on one thread and say so: that must not happen here.
  expect(r.stderr.toString()).not.toMatch(/reader threads failed/);
  return JSON.parse(r.stdout.toString());
}

const maybe = existsSync(CLI) ? test : test.skip;
if (!existsSync(CLI)) console.log(`Skipping the multi-threaded scan test: ${CLI} is not built (run npm run build)`);

maybe('a scan on three threads equals a scan on one', () => {
  const vault = mkdtempSync(join(tmpdir(), 'attack-coverage-threads-'));
  writeSyntheticVault(vault, 2500);
  const one = run(vault, 1);
  const three = run(vault, 3);
  expect((one as { counts: { notes: number } }).counts.notes).toBe(2500);
  expect(three).toEqual(one);
}, 60_000);
