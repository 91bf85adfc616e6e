/** `attack-coverage import` on real folders: whole-file writes, containment, the command's output and exit codes. */
import { spawnSync } from 'node:child_process';
import fs, { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importCommand } from '../../src/cli/commands/import';
import { FsTarget, sourceFiles } from '../../src/cli/import-fs';
import * as sigmaNote from '../../src/core/import/sigma-note';
import { denyReaddir } from '../support/fs';

const ROOT = path.resolve(__dirname, '../..');
const made: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'attack-coverage-import-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function walk(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, p) : [p];
  });
}

async function capture(fn: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { code: await fn(), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const RULE = (title: string, tag: string): string =>
  `title: ${title}\nid: ${title.toLowerCase().replace(/\W/g, '-')}\nstatus: test\ntags: [${tag}]\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {Image|endswith: x.exe}, condition: sel}\nlevel: low\n`;

function sigmaSource(): string {
  const dir = tmp();
  mkdirSync(path.join(dir, 'rules/windows'), { recursive: true });
  writeFileSync(path.join(dir, 'rules/windows/one.yml'), RULE('One', 'attack.t1059.006'));
  writeFileSync(path.join(dir, 'rules/windows/two.yml'), RULE('Two', 'attack.t1003'));
  writeFileSync(path.join(dir, 'rules/windows/bad.yml'), 'title: [\n');
  return dir;
}

describe('FsTarget', () => {
  test('writes whole files, leaves no temporary files, never replaces a note that changed or appeared', async () => {
    const dir = tmp();
    const t = new FsTarget(path.join(dir, 'vault'));
    await t.write('Detection Rules/a.md', 'one\n', null);
    expect(readFileSync(path.join(dir, 'vault/Detection Rules/a.md'), 'utf8')).toBe('one\n');
    await expect(t.write('Detection Rules/a.md', 'two\n', null)).rejects.toThrow(/appeared/);
    await t.write('Detection Rules/a.md', 'two\n', 'one\n');
    await expect(t.write('Detection Rules/a.md', 'three\n', 'one\n')).rejects.toThrow(/changed on disk/);
    expect(readFileSync(path.join(dir, 'vault/Detection Rules/a.md'), 'utf8')).toBe('two\n');
    expect(await t.list()).toEqual(['Detection Rules/a.md']);
    expect(walk(dir)).toEqual(['vault/Detection Rules/a.md']);
  });

  test('a note that replaces one is flushed to disk before it takes its name; a new note need not be', async () => {
    const dir = tmp();
    const t = new FsTarget(path.join(dir, 'vault'));
    const flushed = jest.spyOn(fs, 'fsyncSync');
    try {
      await t.write('Detection Rules/a.md', 'one\n', null);
      expect(flushed).not.toHaveBeenCalled();
      await t.write('Detection Rules/a.md', 'two\n', 'one\n');
      expect(flushed).toHaveBeenCalledTimes(1);
    } finally {
      flushed.mockRestore();
    }
    expect(readFileSync(path.join(dir, 'vault/Detection Rules/a.md'), 'utf8')).toBe('two\n');
  });

  test('refuses paths that leave the folder, and folders that are links to elsewhere', async () => {
    const dir = tmp();
    const outside = tmp();
    mkdirSync(path.join(dir, 'vault'));
    symlinkSync(outside, path.join(dir, 'vault/Detection Rules'));
    const t = new FsTarget(path.join(dir, 'vault'));
    for (const bad of ['../x.md', '/etc/x.md', 'a/../../x.md', 'C:/x.md', 'a\\..\\x.md']) await expect(t.write(bad, 'x', null)).rejects.toThrow(/refusing/);
    await expect(t.write('Detection Rules/x.md', 'x', null)).rejects.toThrow(/leads outside/);
    await expect(t.write('Detection Rules/sub/x.md', 'x', null)).rejects.toThrow(/leads outside/);
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(path.join(dir, 'x.md'))).toBe(false);
  });

  test('sourceFiles: a folder gives relative paths, a file its name', () => {
    const dir = sigmaSource();
    expect(sourceFiles(dir).map((f) => f.path)).toEqual(['rules/windows/bad.yml', 'rules/windows/one.yml', 'rules/windows/two.yml']);
    expect(sourceFiles(path.join(dir, 'rules/windows/one.yml')).map((f) => f.path)).toEqual(['one.yml']);
    expect(() => sourceFiles(path.join(dir, 'missing'))).toThrow(/cannot read source/);
  });
});

test('sourceFiles: an unreadable source is an error; an unreadable sub-folder is named', () => {
  const dir = sigmaSource();
  const locked = path.join(dir, 'rules/windows');
  const denied = new Set([dir, locked]);
  const spy = denyReaddir(denied);
  try {
    expect(() => sourceFiles(dir)).toThrow(`cannot read source "${dir}": permission denied`);
    denied.delete(dir);
    const unreadable: string[] = [];
    expect(sourceFiles(dir, (rel, reason) => unreadable.push(`${rel}: ${reason}`))).toEqual([]);
    expect(unreadable).toEqual(['rules/windows: permission denied']);
  } finally {
    spy.mockRestore();
  }
});

describe('importCommand', () => {
  test('text summary on stdout, progress on stderr; second run unchanged; --dry-run writes nothing', async () => {
    const source = sigmaSource();
    const vault = path.join(tmp(), 'vault');
    const first = await capture(() => importCommand('sigma', source, vault));
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/created\s+2\n/);
    expect(first.stdout).toMatch(/skipped\s+1 /);
    expect(first.stdout).toContain('rules/windows/bad.yml: YAML does not parse');
    expect(first.stderr).toMatch(/^import sigma: reading source 3\/3$/m);
    expect(first.stderr).toMatch(/^import sigma: writing notes 2\/2$/m);
    expect(walk(vault).sort()).toEqual(['Detection Rules/one.md', 'Detection Rules/two.md']);

    const second = await capture(() => importCommand('sigma', source, vault, { json: true }));
    const summary = JSON.parse(second.stdout);
    expect(summary.unchanged).toEqual(['Detection Rules/one.md', 'Detection Rules/two.md']);
    expect(summary.created).toEqual([]);

    const dry = path.join(tmp(), 'dry');
    const d = await capture(() => importCommand('sigma', source, dry, { dryRun: true, json: true }));
    expect(JSON.parse(d.stdout).created).toHaveLength(2);
    expect(existsSync(dry)).toBe(false);
  });

  test('a note that is not valid UTF-8 is never rewritten: its bytes stay, and the conflict says why', async () => {
    const source = sigmaSource();
    const vault = path.join(tmp(), 'vault');
    await capture(() => importCommand('sigma', source, vault));
    const note = path.join(vault, 'Detection Rules/one.md');
    // Notes below the marker, saved by an editor in Latin-1.
    const bytes = Buffer.concat([readFileSync(note), Buffer.from('my notes: caf\xe9 \xff\n', 'latin1')]);
    writeFileSync(note, bytes);
    writeFileSync(path.join(source, 'rules/windows/one.yml'), RULE('One', 'attack.t1059.006').replace('level: low', 'level: high'));
    const r = await capture(() => importCommand('sigma', source, vault, { json: true }));
    expect(readFileSync(note).equals(bytes)).toBe(true);
    const summary = JSON.parse(r.stdout);
    expect(summary.updated).toEqual([]);
    expect(summary.conflicts).toEqual([expect.objectContaining({ path: 'Detection Rules/one.md', reason: expect.stringMatching(/not valid UTF-8/) })]);
  });

  test('a note saved with CRLF line endings is updated in CRLF; the user part keeps its bytes; again: not touched', async () => {
    const source = sigmaSource();
    const vault = path.join(tmp(), 'vault');
    await capture(() => importCommand('sigma', source, vault));
    const note = path.join(vault, 'Detection Rules/one.md');
    const tail = '## Our notes\r\n\r\nTuned for the SIEM.\r\n';
    writeFileSync(note, readFileSync(note, 'utf8').replace(/\n/g, '\r\n') + tail);
    writeFileSync(path.join(source, 'rules/windows/one.yml'), RULE('One', 'attack.t1059.006').replace('level: low', 'level: high'));
    const r = await capture(() => importCommand('sigma', source, vault, { json: true }));
    expect(JSON.parse(r.stdout).updated).toEqual(['Detection Rules/one.md']);
    const text = readFileSync(note, 'utf8');
    expect(text.match(/(?<!\r)\n/g)).toBeNull();
    expect(text).toContain('level: high');
    expect(text.endsWith(tail)).toBe(true);
    const bytes = readFileSync(note);
    const again = await capture(() => importCommand('sigma', source, vault, { json: true }));
    expect(JSON.parse(again.stdout).unchanged).toEqual(['Detection Rules/one.md', 'Detection Rules/two.md']);
    expect(readFileSync(note).equals(bytes)).toBe(true);
  });

  test('a note that cannot be made is listed with its source file, the others are written, and the run exits 1', async () => {
    const source = sigmaSource();
    const vault = path.join(tmp(), 'vault');
    const real = sigmaNote.sigmaRuleNote;
    const spy = jest.spyOn(sigmaNote, 'sigmaRuleNote').mockImplementation((text, rule, o) => {
      if (rule.title === 'One') throw new Error('renderer exploded');
      return real(text, rule, o);
    });
    try {
      const r = await capture(() => importCommand('sigma', source, vault));
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/failed\s+1\n/);
      expect(r.stdout).toMatch(/^ {2}Detection Rules\/one\.md: .*rules\/windows\/one\.yml.*renderer exploded/m);
      expect(walk(vault)).toEqual(['Detection Rules/two.md']);
    } finally {
      spy.mockRestore();
    }
  });

  test('a rule of nested YAML aliases is skipped with a reason; the other rules are imported', async () => {
    const source = sigmaSource();
    // Nine levels of nine aliases: a few lines that stand for 9^9 values.
    let bomb = 'l0: &l0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= 9; i++) bomb += `l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]\n`;
    writeFileSync(path.join(source, 'rules/windows/laughs.yml'), `${RULE('Laughs', 'attack.t1059')}${bomb}author: *l9\n`);
    const vault = path.join(tmp(), 'vault');
    const r = await capture(() => importCommand('sigma', source, vault, { json: true }));
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.created).toEqual(['Detection Rules/one.md', 'Detection Rules/two.md']);
    expect(summary.skipped).toContainEqual({ source: 'rules/windows/laughs.yml', reason: expect.stringMatching(/aliases/) });
  }, 30_000);

  test('a source file that is not valid UTF-8 is skipped with the reason, not embedded with its bytes replaced', async () => {
    const source = sigmaSource();
    writeFileSync(path.join(source, 'rules/windows/latin.yml'), Buffer.from(RULE('Caf\xe9', 'attack.t1059'), 'latin1'));
    const vault = path.join(tmp(), 'vault');
    const r = await capture(() => importCommand('sigma', source, vault, { json: true }));
    const summary = JSON.parse(r.stdout);
    expect(summary.created).toEqual(['Detection Rules/one.md', 'Detection Rules/two.md']);
    expect(summary.skipped).toContainEqual({ source: 'rules/windows/latin.yml', reason: expect.stringMatching(/not valid UTF-8/) });
  });

  test('into a folder of a vault: names of notes elsewhere in the vault are not reused, as in the plugin', async () => {
    const vault = tmp();
    mkdirSync(path.join(vault, '.obsidian'));
    mkdirSync(path.join(vault, 'Notes'));
    writeFileSync(path.join(vault, 'Notes/Two.md'), '# My own note called "two"\n');
    const r = await capture(() => importCommand('sigma', sigmaSource(), path.join(vault, 'Imports'), { json: true }));
    expect(JSON.parse(r.stdout).created).toEqual(['Detection Rules/one.md', 'Detection Rules/two (rules).md']);
    const basenames = walk(vault).filter((p) => p.endsWith('.md')).map((p) => path.basename(p, '.md').toLowerCase());
    expect(new Set(basenames).size).toBe(basenames.length);
  });

  test('names of notes in a folder linked into the vault are not reused either (the scan reads them as vault notes)', async () => {
    const vault = tmp();
    mkdirSync(path.join(vault, '.obsidian'));
    const shared = tmp(); // a rule repository outside the vault, linked in
    writeFileSync(path.join(shared, 'Two.md'), '# A shared note called "two"\n');
    symlinkSync(shared, path.join(vault, 'Shared'), 'dir');
    const r = await capture(() => importCommand('sigma', sigmaSource(), path.join(vault, 'Imports'), { json: true }));
    expect(JSON.parse(r.stdout).created).toEqual(['Detection Rules/one.md', 'Detection Rules/two (rules).md']);
  });

  test('bad arguments are errors; a source with nothing importable exits 1', async () => {
    await expect(importCommand('qradar', '.', '.')).rejects.toThrow(/unknown import kind/);
    await expect(importCommand('attack', '.', '.', { blocks: 'table' })).rejects.toThrow(/unknown block style/);
    // Rules and tests carry no coverage blocks: the option would be silently ignored.
    await expect(importCommand('sigma', '.', '.', { blocks: 'dataview' })).rejects.toThrow(/--blocks applies to "import attack" only/);
    const dir = tmp();
    writeFileSync(path.join(dir, 'bundle.json'), '{"objects": 5}');
    const r = await capture(() => importCommand('attack', path.join(dir, 'bundle.json'), path.join(dir, 'vault')));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('not a STIX bundle');
    // The right folder for the wrong kind: Sigma rules given as Atomic Red Team tests.
    const wrong = await capture(() => importCommand('atomic', sigmaSource(), path.join(dir, 'vault')));
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('(source): no T####/T####.yaml file');
    expect(existsSync(path.join(dir, 'vault'))).toBe(false);
  });

  test('the real CLI: exit codes and streams', () => {
    const source = sigmaSource();
    const vault = path.join(tmp(), 'vault');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
    const ok = cli('import', 'sigma', source, vault, '--json');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).created).toHaveLength(2);
    expect(ok.stderr).toContain('import sigma: writing notes 2/2');
    const bad = cli('import', 'sigma', path.join(source, 'nope'), vault);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^attack-coverage: cannot read source/);
  }, 30_000);
});
