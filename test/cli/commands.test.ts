/**
 * The CLI's commands as a user meets them: what each prints for small vaults written here, and how
 * bad arguments are refused.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs, { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import catalogJson from '../../src/core/attack/catalog.json';
import { capture } from '../support/cli';

const realReadFileSync = fs.readFileSync;

/** A vault in a fresh temporary folder holding `files` (vault-relative path → text). */
function vault(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-cmd-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const rule = (tag: string): string => `---\ntags: [${tag}, detection_rule]\n---\n`;

describe('technique', () => {
  test('text output lists the rules filed under the ID the next release gives the technique', async () => {
    // ATT&CK v19 gives T1562.001 the ID T1685; SigmaHQ already files rules under it.
    const dir = vault({
      'Use Cases/T1562.001 - Disable or Modify Tools.md': '---\ntags: [T1562_001, techniques]\n---\n',
      'Detection Rules/own rule.md': rule('t1562_001'),
      'Detection Rules/successor rule one.md': rule('t1685'),
      'Detection Rules/successor rule two.md': rule('t1685'),
    });
    const r = await capture(['technique', dir, 'T1562.001']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    for (const path of ['Detection Rules/successor rule one.md', 'Detection Rules/successor rule two.md', 'Detection Rules/own rule.md']) {
      expect(lines.filter((l) => l.endsWith(`  ${path}`))).toHaveLength(1);
    }
    expect(r.stdout).toMatch(/successor T1685: 2$/m);
  });

  test('tests filed under the next-release ID count for the technique, as in the matrix', async () => {
    // Atomic Red Team keeps v18 T1562.001's tests under its v19 ID T1685.
    const atomics = (n: number): string => Array.from({ length: n }, (_, i) => `## Atomic Test #${i + 1} - test ${i + 1}\n`).join('');
    const dir = vault({
      'Use Cases/T1562.001 - Disable or Modify Tools.md': '---\ntags: [T1562_001, techniques]\n---\n',
      'Testing Runbooks/T1685 - Disable or Modify Tools (Atomic tests).md': `---\ntags: [T1685, atomic_test]\n---\n${atomics(3)}`,
    });
    const t = JSON.parse((await capture(['technique', dir, 'T1562.001', '--json'])).stdout);
    expect(t.successorTests.map((x: { path: string; testCount: number }) => [x.path, x.testCount])).toEqual([['Testing Runbooks/T1685 - Disable or Modify Tools (Atomic tests).md', 3]]);
    expect(t.gaps).toEqual(['no rules', 'no tests under this ID; 3 under its successor']);
    // The layer calls the technique tested: the technique command must not say it has no tests.
    const layer = JSON.parse((await capture(['layer', dir, '--score', 'tests'])).stdout);
    expect(layer.techniques.filter((e: { techniqueID: string }) => e.techniqueID === 'T1562.001').map((e: { score: number }) => e.score)).toContain(3);
    const text = (await capture(['technique', dir, 'T1562.001'])).stdout;
    expect(text).toContain('  tests filed under its successor T1685: 3 in 1 notes\n');
  });

  test('the technique and gaps texts give the same test total for notes under the successor, one for a note without test sections', async () => {
    // An active v18 sub-technique the catalog remaps, its v19 ID, and two test notes filed under that ID.
    const rows = (catalogJson as unknown as { remaps: { techniques: Record<string, { id: string }> } }).remaps.techniques;
    const revoked = new Set((catalogJson as unknown as { techniques: Array<{ id: string; revoked?: boolean }> }).techniques.filter((t) => t.revoked).map((t) => t.id));
    const [from, to] = Object.entries(rows).map(([f, t]) => [f, t.id] as const).find(([f]) => f.includes('.') && !revoked.has(f)) ?? [];
    if (!from || !to) throw new Error('the catalog has no remapped active sub-technique');
    const tag = (id: string): string => id.replace('.', '_');
    const dir = vault({
      [`Use Cases/${from} - Note.md`]: `---\ntags: [${tag(from)}, techniques]\n---\n`,
      [`Testing Runbooks/${to} - Written by hand.md`]: `---\ntags: [${tag(to)}, atomic_test]\n---\n# ${to} - Written by hand\n\nSteps, no test sections.\n`,
      [`Testing Runbooks/${to} - Atomic.md`]: `---\ntags: [${tag(to)}, atomic_test]\n---\n## Atomic Test #1 - one\n\n## Atomic Test #2 - two\n`,
    });
    // Two sections, plus one for the note that has none.
    const want = 3;
    const technique = (await capture(['technique', dir, from])).stdout;
    expect(technique).toContain(`  tests filed under its successor ${to}: ${want} in 2 notes\n`);
    expect(technique).toContain(`, ${want} tests in 2 notes\n`);
    const gaps = (await capture(['gaps', dir])).stdout;
    const row = gaps.split('\n').find((l) => l.trim().startsWith(`${from} `));
    expect(row).toMatch(new RegExp(`  ${want} tests$`));
  });
});

describe('--limit', () => {
  test('gaps refuses a --limit that is not a positive whole number, as analytics does', async () => {
    const dir = vault({ 'Use Cases/T1059.006 - Python.md': '---\ntags: [T1059_006, techniques]\n---\n' });
    for (const bad of ['abc', '-5', '0', '2.5', '']) {
      for (const command of [['gaps', dir], ['analytics', dir, 'T1059.006']]) {
        const r = await capture([...command, '--limit', bad]);
        expect({ command: command[0], bad, code: r.code, stdout: r.stdout }).toEqual({ command: command[0], bad, code: 2, stdout: '' });
        expect(r.stderr.trim().split('\n')).toEqual(['attack-coverage: --limit should be a positive whole number']);
      }
    }
    const ok = await capture(['gaps', dir, '--limit', '1']);
    expect(ok.code).toBe(0);
  });
});

describe('--platform', () => {
  const dir = vault({ 'Use Cases/T1059.006 - Python.md': '---\ntags: [T1059_006, techniques]\n---\n', 'Detection Rules/r.md': rule('t1059_006') });

  test('a platform the ATT&CK catalog does not know is a bad argument, not an empty matrix', async () => {
    for (const command of [['gaps', dir], ['layer', dir], ['report', dir, '-o', join(dir, 'report.html')]]) {
      const r = await capture([...command, '--platform', 'Windows,Lniux']);
      expect({ command: command[0], code: r.code, stdout: r.stdout }).toEqual({ command: command[0], code: 2, stdout: '' });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^attack-coverage: unknown --platform "Lniux" \(expected .*\bLinux\b.*\)$/m);
    }
  });

  test('known platforms are taken in any case', async () => {
    const r = await capture(['gaps', dir, '--platform', 'windows', '--platform', 'LINUX', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).noTests.map((t: { id: string }) => t.id)).toEqual(['T1059.006']);
  });
});

describe("the plugin's saved roll-up setting", () => {
  // Roll-up switched off in the plugin: a parent's coverage is its own rules only, in every command.
  const dir = vault({
    '.obsidian/plugins/attack-coverage/data.json': JSON.stringify({ rollUp: false }),
    'Use Cases/T1059 - Command and Scripting Interpreter.md': '---\ntags: [T1059, techniques]\n---\n',
    'Detection Rules/python rule.md': rule('t1059_006'),
  });

  test('gaps, layer and analytics follow it as scan and technique do', async () => {
    const scan = JSON.parse((await capture(['scan', dir, '--json'])).stdout);
    expect(scan.rollUp).toBe(false);
    expect(scan.counts.techniquesWithRules).toBe(0);
    const gaps = JSON.parse((await capture(['gaps', dir, '--json'])).stdout);
    expect(gaps.noRules.map((t: { id: string }) => t.id)).toEqual(['T1059']);
    const layer = JSON.parse((await capture(['layer', dir])).stdout);
    expect(layer.techniques.filter((t: { techniqueID: string; score: number }) => t.techniqueID === 'T1059' && t.score > 0)).toEqual([]);
    const analytics = JSON.parse((await capture(['analytics', dir, 'T1059', '--json'])).stdout);
    expect(analytics.rules).toBe(0);
  });

  test('--rollup overrides it in every command, as --no-rollup overrides the default', async () => {
    const scan = JSON.parse((await capture(['scan', dir, '--json', '--rollup'])).stdout);
    expect(scan.rollUp).toBe(true);
    expect(scan.counts.techniquesWithRules).toBe(1);
    const technique = JSON.parse((await capture(['technique', dir, 'T1059', '--json', '--rollup'])).stdout);
    expect(technique.rolledUpRules.map((r: { path: string }) => r.path)).toEqual(['Detection Rules/python rule.md']);
    const layer = JSON.parse((await capture(['layer', dir, '--rollup'])).stdout);
    expect(layer.techniques.some((t: { techniqueID: string; score: number }) => t.techniqueID === 'T1059' && t.score > 0)).toBe(true);
    const analytics = JSON.parse((await capture(['analytics', dir, 'T1059', '--json', '--rollup'])).stdout);
    expect(analytics.rules).toBe(1);
  });
});

describe('output that cannot be written', () => {
  const full = existsSync('/dev/full') ? test : test.skip; // Linux: every write fails with ENOSPC
  full('stdout on a full disk: status 2 and a one-line reason, not a stack trace', () => {
    const ROOT = join(__dirname, '../..');
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scan', 'test-vault', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] });
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('reading notes:'))).toEqual(['attack-coverage: cannot write the output: no space left on device']);
    } finally {
      closeSync(fd);
    }
  }, 60_000);
});

describe('output to a reader that stops early', () => {
  test('a closed pipe (| head) ends the run quietly with its own exit status', async () => {
    const ROOT = join(__dirname, '../..');
    const runClosed = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
      new Promise((done) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.destroy(); // the reader is gone before the first line is written
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => done({ code, stderr }));
      });
    const ok = await runClosed(['scan', 'test-vault', '--json']);
    expect(ok.stderr).not.toMatch(/EPIPE|Error/);
    expect(ok.code).toBe(0);
    // A failing check still fails the run.
    const failing = await runClosed(['scan', 'test-vault', '--json', '--min-with-rules', '100']);
    expect(failing.stderr).not.toMatch(/EPIPE|Error/);
    expect(failing.code).toBe(1);
  }, 60_000);
});

describe('--cache', () => {
  test('a file that is not a cache: the run says it goes on without one, and then does', async () => {
    const dir = vault({ 'Detection Rules/r.md': rule('t1059_006') });
    const r = await capture(['scan', dir, '--cache', join(dir, 'Detection Rules/r.md')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('is not a cache file; it is left as it is and no cache is used');
    expect(r.stderr).not.toMatch(/^cache: /m);
  });
});

describe('symbolic links to folders', () => {
  test('a linked folder outside the vault is read, as Obsidian reads it; links back into the tree, loops and repeats are not', async () => {
    const base = mkdtempSync(join(tmpdir(), 'attack-coverage-cmd-'));
    const dir = join(base, 'vault');
    const shared = join(base, 'shared-rules'); // e.g. a team's rule repository linked into the vault
    mkdirSync(join(dir, 'Use Cases'), { recursive: true });
    mkdirSync(join(shared, 'linux'), { recursive: true });
    writeFileSync(join(dir, 'Use Cases/T1059.006 - Python.md'), '---\ntags: [T1059_006, techniques]\n---\n');
    writeFileSync(join(shared, 'linux/python rule.md'), rule('t1059_006'));
    symlinkSync(shared, join(dir, 'Detection Rules'));
    symlinkSync(shared, join(dir, 'Detection Rules again')); // the same folder twice: read once
    symlinkSync(dir, join(dir, 'Loop')); // the vault itself
    symlinkSync(join(dir, 'Use Cases'), join(dir, 'Shortcut')); // a folder already in the vault
    symlinkSync(base, join(shared, 'linux/up')); // a parent of both
    symlinkSync(join(base, 'missing'), join(dir, 'Dangling'));
    const r = await capture(['scan', dir, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.counts.notes).toBe(2);
    expect(report.rules.map((x: { path: string }) => x.path)).toEqual(['Detection Rules/linux/python rule.md']);
    expect(report.techniques.map((x: { path: string }) => x.path)).toEqual(['Use Cases/T1059.006 - Python.md']);
  });
});

describe('-o to a device or a pipe', () => {
  test('layer -o /dev/stdout prints the layer alone: valid JSON, with no "Wrote" line after it', () => {
    const dir = vault({ 'Detection Rules/r.md': rule('t1059_006') });
    const ROOT = join(__dirname, '../..');
    // Through a shell pipe, as in `attack-coverage layer vault -o /dev/stdout | jq`.
    const r = spawnSync('sh', ['-c', '"$@" | cat', 'sh', process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'layer', dir, '-o', '/dev/stdout'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const layer = JSON.parse(r.stdout);
    expect(layer.versions.layer).toBe('4.5');
    expect(r.stdout).not.toContain('Wrote');
  }, 60_000);
});

describe('blocks', () => {
  test('matrix and gaps views are supported blocks, not "unsupported" with no reason', async () => {
    const fence = (body: string): string => '```attack-coverage\n' + body + '```\n';
    const dir = vault({ 'Dashboards/Coverage.md': `# Coverage\n${fence('view: matrix\nscore: state\n')}${fence('view: gaps\nscope: catalog\n')}${fence('show: [rules]\n')}` });
    const r = await capture(['blocks', dir, '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ line: number; supported: boolean; view?: string; reason?: string }>;
    expect(rows.map(({ line, supported, view }) => ({ line, supported, view }))).toEqual([
      { line: 2, supported: true, view: 'matrix' },
      { line: 6, supported: true, view: 'gaps' },
      { line: 10, supported: false, view: undefined }, // a technique view outside a technique note names no technique
    ]);
    expect(rows[2]!.reason).toMatch(/no technique/);
    const text = await capture(['blocks', dir]);
    expect(text.stdout).toContain('Dashboards/Coverage.md:2 attack-coverage matrix view\n');
    expect(text.stdout).toContain('3 blocks, 1 unsupported\n');
  });
});

describe('help', () => {
  test('--vault-name is offered by the commands that write obsidian:// links, not by gaps, which writes none', async () => {
    const help = async (command: string): Promise<string> => (await capture([command, '--help'])).stdout;
    expect(await help('layer')).toContain('--vault-name');
    expect(await help('report')).toContain('--vault-name');
    expect(await help('gaps')).not.toContain('--vault-name');
    // And indeed gaps prints no links in any of its outputs.
    const dir = vault({ 'Use Cases/T1059.006 - Python.md': '---\ntags: [T1059_006, techniques]\n---\n' });
    for (const flag of [[], ['--json'], ['--markdown']]) expect((await capture(['gaps', dir, ...flag])).stdout).not.toContain('obsidian://');
  });
});

describe('gaps text', () => {
  test('the header counts notes in the matrix apart from notes for IDs outside it', async () => {
    // T1059 is in the ATT&CK 18.1 matrix; T1086 was revoked (replaced by T1059.001), so it is not.
    const dir = vault({
      'Use Cases/T1059 - Command and Scripting Interpreter.md': '---\ntags: [T1059, techniques]\n---\n',
      'Use Cases/T1086 - PowerShell.md': '---\ntags: [T1086, techniques]\n---\n',
    });
    const json = JSON.parse((await capture(['gaps', dir, '--json'])).stdout);
    const text = (await capture(['gaps', dir])).stdout.split('\n')[0];
    expect(text).toBe(
      `Gaps (ATT&CK 18.1): ${json.counts.catalogTechniques} techniques in the matrix, 1 of them with a note; notes for 1 ID outside the matrix (revoked, deprecated, unknown or newer)`,
    );
  });
});

describe('diagnostics', () => {
  test('a note that cannot be read: the reason, without the path as seen from wherever the CLI ran', async () => {
    const dir = vault({ 'Detection Rules/r.md': rule('t1059_006') });
    // Tests may run as root, who can read anything: the note is made unreadable by failing its read.
    const spy = jest.spyOn(fs, 'readFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, o?: unknown) => {
      if (String(p).endsWith('r.md')) throw Object.assign(new Error(`EACCES: permission denied, open '${String(p)}'`), { code: 'EACCES' });
      return (realReadFileSync as (p: fs.PathOrFileDescriptor, o?: unknown) => unknown)(p, o);
    }) as typeof fs.readFileSync);
    let r;
    try {
      r = await capture(['scan', dir, '--json']);
    } finally {
      spy.mockRestore();
    }
    const diagnostics = JSON.parse(r.stdout).diagnostics as Array<{ path: string; message: string }>;
    expect(diagnostics.filter((d) => d.path === 'Detection Rules/r.md').map((d) => d.message)).toEqual(['cannot read: permission denied']);
  });
});

describe('bad arguments', () => {
  test('each is refused with status 2 and one line on stderr, as the README says', async () => {
    const dir = vault({ 'Detection Rules/r.md': rule('t1059_006') });
    const cases: Array<[string[], RegExp]> = [
      [['scan'], /missing required argument 'vault'/],
      [['scan', dir, 'extra'], /too many arguments/],
      [['scan', dir, '--bogus'], /unknown option '--bogus'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['scan', dir, '--fail-on', 'info'], /argument 'info' is invalid/],
      [['scan', dir, '--min-with-rules', '101'], /a percentage from 0 to 100/],
      [['gaps', dir, '--json', '--markdown'], /cannot be used with option '--json'/],
      [['report', dir], /required option '-o, --output <file>' not specified/],
      [['report', dir, '-o', ''], /a file name is needed/],
      [['layer', dir, '-o', ' '], /a file name is needed/],
    ];
    for (const [argv, reason] of cases) {
      const r = await capture(argv);
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: '' });
      const lines = r.stderr.trimEnd().split('\n');
      expect({ argv, lines: lines.length }).toEqual({ argv, lines: 1 });
      expect(lines[0]).toMatch(/^attack-coverage: /);
      expect(lines[0]).toMatch(reason);
    }
  });
});

describe('scan text', () => {
  test('the diagnostics line counts in the singular when there is one', async () => {
    // T1086 is revoked (by T1059.001) in the bundled release: one warning, nothing else.
    const r = await capture(['scan', vault({ 'Detection Rules/r.md': rule('t1086') })]);
    expect(r.stdout).toMatch(/^Diagnostics: 1 problem, 0 notes of information \(see --json\)$/m);
  });
});
