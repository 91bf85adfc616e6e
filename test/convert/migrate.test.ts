/**
 * `attack-coverage migrate` on temporary copies of test-vault: dry run, --write, a second --write, and
 * notes that change on disk while the command runs.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planConversion } from '../../src/core/convert';
import { migrateVault } from '../../src/cli/commands/migrate';
import { capture } from '../support/cli';
import { loadVault } from '../../src/cli/vault';

const VAULT = join(__dirname, '../../test-vault');

function copyVault(): string {
  const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-migrate-'));
  cpSync(VAULT, dir, { recursive: true });
  return dir;
}

/** Every file under a folder (all of them, not only notes), as UTF-8 text or, if it is not, hex. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else {
        const bytes = readFileSync(join(dir, p));
        const text = bytes.toString('utf8');
        files.set(p, Buffer.from(text, 'utf8').equals(bytes) ? text : `hex:${bytes.toString('hex')}`);
      }
    }
  };
  walk('');
  return files;
}

/** The expected result, planned in memory over the pristine vault. */
let expectedBlocks = 0;
const expected = (() => {
  const v = loadVault(VAULT);
  const out = new Map<string, string>();
  for (const src of v.sources.values()) {
    if (src.text === undefined) continue;
    const p = planConversion(src.text, { index: v.index, path: src.path, hints: v.index.roleSettings });
    if (p.changed) out.set(src.path, p.result);
    expectedBlocks += p.blocks.filter((b) => b.after !== null).length;
  }
  return out;
})();

describe('attack-coverage migrate', () => {
  test('a dry run reports every change and writes nothing', async () => {
    const dir = copyVault();
    const before = snapshot(dir);
    const { code, stdout } = await capture(['migrate', dir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${expected.size} notes, ${expectedBlocks} blocks would be converted; \\d+ blocks left as they are\\.$`, 'm'));
    expect(stdout).toContain('Dry run: nothing was written. Add --write to apply.');
    expect(stdout).toMatch(/^Use Cases\/T1059\.006 - .*\.md:\d+ dataview -> attack-coverage \(T1059\.006 rules\)$/m);
    expect(stdout).toMatch(/^ {4}\+ technique: T1059\.006$/m);
    expect(stdout).toMatch(/^Detection Rules\.md:10 query left as it is: #reconnaissance is neither/m);
    expect(snapshot(dir)).toEqual(before);
  });

  test('--json lists notes, blocks and counts; still a dry run', async () => {
    const dir = copyVault();
    const before = snapshot(dir);
    const { code, stdout } = await capture(['migrate', dir, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.write).toBe(false);
    expect(report.notes.filter((n: { status: string }) => n.status === 'would-change').map((n: { path: string }) => n.path).sort()).toEqual([...expected.keys()].sort());
    const blocks = report.notes.flatMap((n: { blocks: unknown[] }) => n.blocks);
    expect(report.counts.blocks).toBe(blocks.filter((b: { after: string | null }) => b.after !== null).length);
    expect(report.counts.unsupported).toBe(blocks.filter((b: { after: string | null; reason?: string }) => b.after === null && b.reason).length);
    expect(report.counts.written).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });

  test('--write converts the notes; everything else stays byte-identical; a second --write changes nothing', async () => {
    const dir = copyVault();
    const before = snapshot(dir);
    const first = await capture(['migrate', dir, '--write']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${expected.size} notes written`, 'm'));
    const after = snapshot(dir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort()); // no temporary files left behind
    const want = new Map([...before].map(([path, text]) => [path, expected.get(path) ?? text]));
    expect(after.size).toBe(want.size);
    for (const [path, text] of want) if (after.get(path) !== text) expect({ path, text: after.get(path) }).toEqual({ path, text });
    const second = await capture(['migrate', dir, '--write']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^0 notes written \(0 blocks planned in 0 notes\)/m);
    expect(snapshot(dir)).toEqual(after);
  });

  test('a note changed between reading and writing is skipped, never clobbered', () => {
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true); // progress lines
    const dir = copyVault();
    const [early, late, ...rest] = [...expected.keys()].sort();
    const report = migrateVault(dir, {
      write: true,
      hooks: {
        // Changed after the note was read and planned, before its new text is written.
        afterPlan: (path) => {
          if (path === early) appendFileSync(join(dir, early), '\nedited meanwhile\n');
        },
        // Changed while its new text sits in the temporary file, just before the rename.
        beforeCommit: (path) => {
          if (path === late) writeFileSync(join(dir, late), 'rewritten by someone else\n');
        },
      },
    });
    const status = new Map(report.notes.map((n) => [n.path, n]));
    expect(status.get(early!)).toMatchObject({ status: 'skipped', message: expect.stringMatching(/changed on disk/) });
    expect(status.get(late!)).toMatchObject({ status: 'skipped', message: expect.stringMatching(/changed on disk/) });
    expect(readFileSync(join(dir, early!), 'utf8')).toBe(readFileSync(join(VAULT, early!), 'utf8') + '\nedited meanwhile\n');
    expect(readFileSync(join(dir, late!), 'utf8')).toBe('rewritten by someone else\n');
    for (const path of rest) expect(readFileSync(join(dir, path), 'utf8')).toBe(expected.get(path));
    expect(report.counts).toMatchObject({ written: rest.length, skipped: 2, failed: 0 });
    expect(readdirSync(join(dir, 'Use Cases')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    jest.restoreAllMocks();
  });

  test('skipped notes make the command fail after reporting them; a note that is not UTF-8 is never rewritten', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-migrate-'));
    const block = Buffer.from('```dataview\nLIST FROM "Detection Rules" AND #T1059\n```\n');
    const latin1 = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('\n'), block]);
    writeFileSync(join(dir, 'latin1.md'), latin1);
    writeFileSync(join(dir, 'ok.md'), block);
    const dry = await capture(['migrate', dir]);
    expect(dry.code).toBe(0); // a dry run only reports
    expect(dry.stdout).toMatch(/^latin1\.md: skipped: the note is not valid UTF-8/m);
    const { code, stdout, stderr } = await capture(['migrate', dir, '--write']);
    expect(code).toBe(1); // a run that could not write every note, not a bad argument (2)
    expect(stdout).toMatch(/^latin1\.md: skipped: the note is not valid UTF-8/m);
    expect(stderr).toMatch(/1 note was not written/);
    expect(readFileSync(join(dir, 'latin1.md')).equals(latin1)).toBe(true);
    expect(readFileSync(join(dir, 'ok.md'), 'utf8')).toContain('```attack-coverage\n');
  });
});
