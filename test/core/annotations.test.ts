/**
 * `scan --annotations`: each line is read back the way GitHub's runner reads a workflow command (one
 * line, `::name prop=value,…::message`, then the toolkit's escapes undone), and must give back exactly
 * the diagnostic it came from, whatever the note put into the path or the message.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { githubAnnotations } from '../../src/core/annotations';
import type { Diagnostic } from '../../src/core/note';
import { scanSummary } from '../../src/core/report';
import { loadVault } from '../../src/cli/vault';
import { capture } from '../support/cli';

interface Command {
  name: string;
  props: Record<string, string>;
  message: string;
}

const unescape = (s: string): string => s.replace(/%(25|0D|0A|3A|2C)/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** A line as the runner parses it: null when it is not one command on its own. */
function parse(line: string): Command | null {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m || line.includes('\n') || line.includes('\r')) return null;
  const props: Record<string, string> = {};
  for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = kv.indexOf('=');
    props[kv.slice(0, eq)] = unescape(kv.slice(eq + 1));
  }
  return { name: m[1] as string, props, message: unescape(m[3] ?? '') };
}

const NAME = { error: 'error', warning: 'warning', info: 'notice' } as const;

test('any path and message come back whole from the annotation line', () => {
  const text = fc.string({ unit: fc.oneof(fc.constantFrom(...':,%\r\n= ::error file=x::'.split('')), fc.string({ minLength: 1, maxLength: 2 })) });
  fc.assert(
    fc.property(fc.array(fc.record({ path: text, message: text, severity: fc.constantFrom('error', 'warning', 'info' as const) }), { maxLength: 6 }), (ds: Diagnostic[]) => {
      const lines = githubAnnotations(ds, { prefix: 'vault/', minSeverity: 'info' });
      const parsed = lines.map(parse);
      expect(parsed.every((p) => p !== null)).toBe(true);
      const expected = [...ds].sort((a, b) => ['info', 'warning', 'error'].indexOf(b.severity) - ['info', 'warning', 'error'].indexOf(a.severity));
      expect(parsed).toEqual(expected.map((d) => ({ name: NAME[d.severity], props: { file: `vault/${d.path}`, title: 'ATT&CK coverage' }, message: d.message })));
    }),
    { numRuns: 300 },
  );
});

test('information is left out unless asked for; errors come before warnings', () => {
  const ds: Diagnostic[] = [
    { path: 'a.md', severity: 'info', message: 'i' },
    { path: 'b.md', severity: 'warning', message: 'w' },
    { path: 'c.md', severity: 'error', message: 'e' },
  ];
  expect(githubAnnotations(ds).map((l) => parse(l)?.name)).toEqual(['error', 'warning']);
  expect(githubAnnotations(ds, { minSeverity: 'error' }).map((l) => parse(l)?.props.file)).toEqual(['c.md']);
});

test('scan --annotations on a vault with hostile file names: one annotation per problem, nothing else starts a command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-annotations-'));
  try {
    // File names may hold what ends a property (`,` `:`) or the whole command (a line break, on Linux).
    writeFileSync(join(dir, 'broken, odd: name.md'), '---\ntags: [t1059\n---\nbody\n');
    writeFileSync(join(dir, 'evil\n::error file=x.md::injected.md'), '---\ntags: [techniques, T1153]\n---\n# Source\n');
    // And a terminal escape sequence, which must not reach the terminal.
    writeFileSync(join(dir, 'red \u001b[31mtext.md'), '---\ntags: [techniques, T1086]\n---\n# Red\n');
    writeFileSync(join(dir, 'T1086 - PowerShell.md'), '---\ntags: [techniques, T1086]\n---\n# PowerShell\n');
    const { index } = loadVault(dir, { keepSources: false });
    const problems = scanSummary(index, dir).diagnostics.filter((d) => d.severity !== 'info');
    expect(problems.length).toBeGreaterThanOrEqual(3);

    const r = await capture(['scan', dir, '--annotations']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('red \\u001b[31mtext.md');
    const commands = r.stdout.split('\n').filter((l) => l.startsWith('::')).map(parse);
    const rank = (d: Diagnostic): number => (d.severity === 'error' ? 0 : 1);
    const expected = [...problems].sort((a, b) => rank(a) - rank(b));
    expect(commands.map((c) => [c?.name, c?.message])).toEqual(expected.map((d) => [NAME[d.severity], d.message]));
    // Paths name the notes as seen from the working directory. Line breaks travel escaped as GitHub defines;
    // any other control character is shown as an escape, as in all text output, rather than sent to the terminal.
    expect(commands.map((c) => resolve(c?.props.file ?? ''))).toEqual(expected.map((d) => join(dir, d.path.split('\u001b').join('\\u001b'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
