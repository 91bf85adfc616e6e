/**
 * The CLI over the committed test-vault, checked against oracles computed straight from the files.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { capture } from '../support/cli';
import { denyReaddir } from '../support/fs';

const VAULT = join(__dirname, '../../test-vault');

function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name.startsWith('.') ? [] : walk(dir, p);
    return e.name.endsWith('.md') ? [p] : [];
  });
}

/** An independent reading of Dataview's tag rules (domain.md §2), deliberately simple. */
function oracleTags(text: string): string[] {
  const tags: string[] = [];
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  let body = text;
  if (m) {
    body = text.slice(m[0].length);
    let fm: unknown = null;
    try {
      fm = loadYaml(m[1]!);
    } catch {
      fm = null;
    }
    if (fm && typeof fm === 'object') {
      for (const [k, v] of Object.entries(fm)) {
        if (!/^tags?$/i.test(k)) continue;
        for (const x of [v].flat(5)) if (typeof x === 'string') tags.push(...x.split(/[,\s]+/).filter(Boolean));
      }
    }
  }
  const prose = body.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  for (const t of prose.matchAll(/(?:^|\s)#([^\s#,.;:!?'"()[\]{}`]+)/g)) if (!/^\d+$/.test(t[1]!)) tags.push(t[1]!);
  return tags.map((t) => t.replace(/^#/, '').toLowerCase());
}

describe('attack-coverage CLI on test-vault', () => {
  const files = walk(VAULT);
  const texts = new Map(files.map((f) => [f, readFileSync(join(VAULT, f), 'utf8')]));

  test('scan --json: every technique note is recognised, counts match the files', async () => {
    const { code, stdout } = await capture(['scan', VAULT, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const techniqueFiles = files.filter((f) => f.startsWith('Use Cases/'));
    expect(report.techniques.map((t: { path: string }) => t.path).sort()).toEqual(techniqueFiles.sort());
    expect(report.counts.rules).toBe(files.filter((f) => f.startsWith('Detection Rules/')).length);
    expect(report.counts.tests).toBe(files.filter((f) => f.startsWith('Testing Runbooks/')).length);
    // Test counts equal the `## Atomic Test #` headings in each runbook.
    for (const t of report.tests) {
      expect(t.testCount).toBe((texts.get(t.path)!.match(/^## Atomic Test #\d+/gm) ?? []).length);
    }
    for (const r of report.rules) expect(r.path.startsWith('Detection Rules/')).toBe(true);
  });

  test('blocks --json: Dataview rows equal an independent evaluation over the files', async () => {
    const { code, stdout } = await capture(['blocks', VAULT, '--json']);
    expect(code).toBe(0);
    const blocks = JSON.parse(stdout) as Array<{ path: string; language: string; query: string; supported: boolean; rows: string[] }>;
    const dataview = blocks.filter((b) => b.language === 'dataview');
    expect(dataview.length).toBeGreaterThan(20);
    const tagsOf = new Map(files.map((f) => [f, oracleTags(texts.get(f)!)]));
    for (const b of dataview) {
      const m = /FROM\s+"([^"]+)"\s+AND\s+#(\S+)/i.exec(b.query);
      expect(m).not.toBeNull();
      const [, folder, tag] = m!;
      const want = tag!.toLowerCase();
      const expected = files
        .filter((f) => f.startsWith(folder + '/'))
        .filter((f) => tagsOf.get(f)!.some((t) => t === want || t.startsWith(want + '/')))
        .sort();
      expect({ path: b.path, rows: b.rows }).toEqual({ path: b.path, rows: expected });
      expect(b.supported).toBe(true);
    }
  });

  test('technique --json: T1059.006 matches the rule notes that name it', async () => {
    const { code, stdout } = await capture(['technique', VAULT, 't1059_006', '--json']);
    expect(code).toBe(0);
    const t = JSON.parse(stdout);
    expect(t.id).toBe('T1059.006');
    const naming = files.filter((f) => f.startsWith('Detection Rules/') && /^tags: \[.*\bt1059_006\b/m.test(texts.get(f)!)).sort();
    expect(t.rules.map((r: { path: string }) => r.path).sort()).toEqual(naming);
  });

  test('text output and exit codes', async () => {
    const ok = await capture(['scan', VAULT]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Techniques with rules\s+\d+/);
    const missing = await capture(['scan', join(VAULT, 'no-such-folder')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^attack-coverage: cannot read vault folder/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const badId = await capture(['technique', VAULT, 'T1059.6']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('is not a technique ID');
    expect((await capture(['frobnicate'])).code).toBe(2);
  });

  test('an empty folder and a vault of odd files scan without errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-'));
    expect((await capture(['scan', dir, '--json'])).code).toBe(0);
    mkdirSync(join(dir, 'Detection Rules'));
    writeFileSync(join(dir, 'Detection Rules', 'ünï côdé (1).md'), '\uFEFF---\r\ntags: [t1059_006, detection_rule]\r\n---\r\n');
    writeFileSync(join(dir, 'broken.md'), '---\ntags: [x\n---\n');
    const { code, stdout } = await capture(['scan', dir, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.rules.map((r: { path: string }) => r.path)).toEqual(['Detection Rules/ünï côdé (1).md']);
    expect(report.diagnostics.some((d: { path: string; severity: string }) => d.path === 'broken.md' && d.severity === 'error')).toBe(true);
  });

  test('layer and report -o: a write that fails half-way leaves the previous file as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-'));
    mkdirSync(join(dir, 'vault'));
    const ROOT = join(__dirname, '../..');
    for (const [command, file] of [['layer', 'layer.json'], ['report', 'report.html']] as const) {
      writeFileSync(join(dir, file), 'the previous output\n');
      // A file-size limit of 100 KiB makes the write fail part of the way through, as a full disk would.
      const r = spawnSync('sh', ['-c', 'ulimit -f 200; exec "$@"', 'sh', process.execPath, '--import', 'tsx', 'src/cli/main.ts', command, join(dir, 'vault'), '-o', join(dir, file)], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^attack-coverage: cannot write .*: file too large/m);
      expect(readFileSync(join(dir, file), 'utf8')).toBe('the previous output\n');
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
  }, 60_000);

  test('hidden files and folders are not notes, as in Obsidian', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-'));
    const rule = '---\ntags: [t1059_006, detection_rule]\n---\n';
    for (const p of ['.github/workflows/rule.md', 'Rules/.drafts/rule.md', 'Rules/.draft.md', '.trash/rule.md', 'Rules/visible.md', 'Rules/not.hidden/rule.md']) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), rule);
    }
    const r = await capture(['scan', dir, '--json']);
    expect(r.code).toBe(0);
    const listed = (JSON.parse(r.stdout) as { rules: Array<{ path: string }> }).rules.map((x) => x.path).sort();
    expect(listed).toEqual(['Rules/not.hidden/rule.md', 'Rules/visible.md']);
  });

  test('an unreadable vault is an error; an unreadable sub-folder is named on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-'));
    mkdirSync(join(dir, 'Locked'));
    writeFileSync(join(dir, 'Locked', 'rule.md'), '---\ntags: [t1059_006, detection_rule]\n---\n');
    writeFileSync(join(dir, 'rule.md'), '---\ntags: [t1059_006, detection_rule]\n---\n');
    const denied = new Set([dir, join(dir, 'Locked')]);
    const spy = denyReaddir(denied);
    try {
      for (const command of [['scan', dir], ['gaps', dir], ['migrate', dir]]) {
        const r = await capture(command);
        expect(r.code).toBe(2);
        expect(r.stderr.trim()).toBe(`attack-coverage: cannot read vault folder "${dir}": permission denied`);
      }
      denied.delete(dir);
      const r = await capture(['scan', dir, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).rules.map((x: { path: string }) => x.path)).toEqual(['rule.md']);
      expect(r.stderr).toContain('cannot read folder "Locked" (permission denied); the notes in it are left out');
    } finally {
      spy.mockRestore();
    }
  });
});
