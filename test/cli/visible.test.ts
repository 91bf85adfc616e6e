/**
 * Text output shows the control characters of note content as escapes: nothing that ends a line or
 * drives a terminal gets through, and text without such characters is printed as it is.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { visible } from '../../src/cli/io';
import { capture } from '../support/cli';

const controls = (s: string): number[] =>
  [...s].map((ch) => ch.charCodeAt(0)).filter((c) => (c <= 0x1f && c !== 0x09) || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029);

test('no control character but tab survives, and plain text is untouched', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('\n', '\r', '\u001b', '\t', '\u0085', '\u2028', '\u0000'), fc.string({ maxLength: 3 })) }), (s) => {
      const shown = visible(s);
      expect(controls(shown)).toEqual([]);
      if (controls(s).length === 0) expect(shown).toBe(s);
    }),
    { numRuns: 500 },
  );
  expect(visible('a\nb\r\u001b[31m\tc')).toBe('a\\nb\\r\\u001b[31m\tc');
});

test('Markdown and JSON output carry no control character of note content either', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-visible-'));
  try {
    const evil = 'x \u001b]0;title\u0007 \u001b[2J \u009b31m \u007f \u2028 y';
    mkdirSync(join(dir, 'Use Cases'));
    mkdirSync(join(dir, 'Detection Rules'));
    writeFileSync(join(dir, 'Use Cases', `T1059.006 - ${evil}.md`), `---\ntags: [techniques, T1059_006, T1086]\n---\n`);
    writeFileSync(join(dir, 'Detection Rules', `${evil}.md`), `---\ntitle: "${JSON.stringify(evil).slice(1, -1)}"\nlevel: high\ntags: [detection_rule, t1059_006, t1003]\n---\n\`\`\`dataview\nLIST FROM #t1059_006\n\`\`\`\n`);
    const commands = [['gaps', dir, '--markdown'], ['scan', dir, '--markdown'], ['scan', dir, '--json'], ['gaps', dir, '--json'], ['technique', dir, 'T1059.006', '--json'], ['blocks', dir, '--json']];
    for (const argv of commands) {
      const r = await capture(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 0 });
      expect({ argv, controls: controls(r.stdout.replace(/\n/g, '')) }).toEqual({ argv, controls: [] });
      // JSON still parses to the very text of the note.
      if (argv.includes('--json')) expect(JSON.stringify(JSON.parse(r.stdout))).toContain(JSON.stringify(evil).slice(1, -1));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no text command lets a hostile file name or title start a line or reach the terminal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-visible-'));
  try {
    const evil = 'x\n::error file=a.md::injected \u001b[31mred\r';
    mkdirSync(join(dir, 'Use Cases'));
    mkdirSync(join(dir, 'Detection Rules'));
    writeFileSync(join(dir, 'Use Cases', `T1059.006 - ${evil}.md`), `---\ntags: [techniques, T1059_006, T1086]\n---\n# ${evil.replace(/\n|\r/g, ' ')}\n`);
    writeFileSync(join(dir, 'Detection Rules', `${evil}.md`), `---\ntitle: "${JSON.stringify(evil).slice(1, -1)}"\nlevel: high\nstatus: test\nlogsrc_product: linux\ntags: [detection_rule, t1059_006, t1003]\n---\n\`\`\`dataview\nLIST FROM "Detection Rules" AND #t1059_006\n\`\`\`\n`);
    const commands = [['scan', dir], ['technique', dir, 'T1059.006'], ['gaps', dir], ['blocks', dir], ['migrate', dir], ['analytics', dir, 'T1059.006']];
    for (const argv of commands) {
      const r = await capture(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 0 });
      expect({ argv, controls: controls(r.stdout.replace(/\n/g, '')) }).toEqual({ argv, controls: [] });
      expect({ argv, commandLines: r.stdout.split('\n').filter((l) => l.trimStart().startsWith('::')) }).toEqual({ argv, commandLines: [] });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
