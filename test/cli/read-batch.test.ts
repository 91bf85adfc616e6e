/**
 * `readBatchForIndex` (two passes over a batch: files and frontmatter, then the Markdown pass) must
 * give what `readNoteForIndex` gives note by note, bad notes included.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBatchForIndex, readNoteForIndex } from '../../src/cli/read-note';
import { listNotes } from '../../src/cli/vault';

const VAULT = join(__dirname, '../../test-vault');

test('test-vault read in batches equals test-vault read note by note', () => {
  const paths = listNotes(VAULT);
  expect(paths.length).toBeGreaterThan(600);
  for (let from = 0; from < paths.length; from += 97) {
    const batch = paths.slice(from, from + 97);
    expect(readBatchForIndex(VAULT, batch)).toEqual(batch.map((p) => readNoteForIndex(VAULT, p)));
  }
});

test('unreadable, broken and odd notes in a batch are reported as they are one by one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-batch-'));
  try {
    const notes: Record<string, string> = {
      'broken yaml.md': '---\ntags: [t1059\n---\nbody #tag\n',
      'bom crlf.md': '\uFEFF---\r\ntags: [detection_rule]\r\n---\r\n# Title\r\n',
      'second document.md': '---\na: 1\n---\nb: 2\n---\n',
      'scalar frontmatter.md': '---\njust a string\n---\n',
      'empty.md': '',
      'no frontmatter.md': '## Atomic Test #1 - x\n```yml\ntitle: t\nid: 1\n```\n',
    };
    for (const [name, text] of Object.entries(notes)) writeFileSync(join(dir, name), text);
    mkdirSync(join(dir, 'a folder.md')); // listed by name, but not readable as a file
    const paths = [...Object.keys(notes), 'a folder.md', 'missing.md'].sort();
    const batch = readBatchForIndex(dir, paths);
    expect(batch).toEqual(paths.map((p) => readNoteForIndex(dir, p)));
    expect(batch.find((s) => s.path === 'missing.md')?.readProblems?.[0]).toMatch(/^cannot read: /);
    expect(batch.find((s) => s.path === 'broken yaml.md')?.readProblems?.[0]).toMatch(/^Frontmatter YAML error/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
