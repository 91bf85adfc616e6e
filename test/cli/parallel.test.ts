/**
 * Reading on several threads gives exactly what reading on one gives. Threads start only from the
 * bundled CLI, so this runs `dist/cli.js` (built by `npm run build`, which CI runs before the tests).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticVault } from '../../bench/synthetic';

const CLI = join(__dirname, '../../dist/cli.js');
const run = (vault: string, threads: number): unknown =>
  JSON.parse(execFileSync('node', [CLI, 'scan', vault, '--json'], { env: { ...process.env, ATTACK_COVERAGE_THREADS: String(threads) }, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString());

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
