/**
 * `(Citation: …)` markers leave ATT&CK texts the same way in a technique note (Markdown) and in the details
 * panel (plain text shown with its line breaks): the spaces before a marker go with it, line breaks stay,
 * and a line that held nothing but markers goes entirely.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { plainAttackText } from '../../src/core/attack/details-digest';
import { stixText } from '../../src/core/import/technique-note';
import { describeCorpus } from '../support/corpus';

const NBSP = '\u00a0';

describe('citations in a note and in the panel', () => {
  const cases: [string, string, string][] = [
    ['spaces before a marker go with it', 'rkhunter (Citation: A), chkrootkit (Citation: B).', 'rkhunter, chkrootkit.'],
    ['a no-break space before a marker too (ATT&CK 17.1 has them)', `event logging${NBSP}(Citation: A) to monitor`, 'event logging to monitor'],
    ['a line of markers only goes with its line break: the lines around it stay as they were', 'one line\n(Citation: A) (Citation: B) \nnext line', 'one line\nnext line'],
    ['a marker at the end of a line leaves the line break', 'admins).(Citation: A)\n(Citation: B) \n\nThis account', 'admins).\n\nThis account'],
    ['a marker that opens a line takes the spaces after it; the paragraph break before it stays', 'First paragraph.\n\n(Citation: A) Second paragraph.', 'First paragraph.\n\nSecond paragraph.'],
    ['a list item keeps its line', '* first\n(Citation: A) * second', '* first\n* second'],
    ['at the very end', 'called.\n (Citation: A)', 'called.'],
  ];
  test.each(cases)('%s', (_what, source, expected) => {
    expect(stixText(source)).toBe(expected);
    expect(plainAttackText(source)).toBe(expected);
  });
});

/**
 * The expected text, worked out line by line (not with the regular expressions under test): each marker
 * leaves with the whitespace before it, or after it when it opens the line; a line left blank by that
 * goes; other lines stay.
 */
function expectedLines(source: string): string[] {
  const out: string[] = [];
  for (const line of source.split('\n')) {
    let rest = line;
    let had = false;
    for (let at = rest.indexOf('(Citation:'); at >= 0; at = rest.indexOf('(Citation:')) {
      const end = rest.indexOf(')', at);
      if (end < 0) break;
      had = true;
      let from = at;
      while (from > 0 && /\s/.test(rest[from - 1] as string)) from--;
      let to = end + 1;
      if (from === 0) while (to < rest.length && /\s/.test(rest[to] as string)) to++;
      rest = rest.slice(0, from) + rest.slice(to);
    }
    if (had && rest.trim() === '') continue;
    out.push(rest);
  }
  return out;
}

/** Lines and paragraph breaks, without the whitespace at line ends that the panel tidies (and runs of spaces). */
const structure = (lines: string[]): string =>
  lines
    .map((l) => l.replace(/ {2,}/g, ' ').replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

describeCorpus('citations in every ATT&CK text of the corpus bundles', (corpus) => {
  for (const file of ['enterprise-attack-18.1.json', 'enterprise-attack-17.1.json']) {
    test(`${file}: the note and the panel drop them as worked out line by line`, () => {
      const bundle = JSON.parse(readFileSync(path.join(corpus, 'attack', file), 'utf8')) as { objects: Record<string, unknown>[] };
      const texts = bundle.objects.flatMap((o) => [o.description, o.x_mitre_detection]).filter((s): s is string => typeof s === 'string' && s.includes('(Citation:'));
      expect(texts.length).toBeGreaterThan(10_000);
      const note: string[] = [];
      const panel: string[] = [];
      for (const s of texts) {
        const lines = expectedLines(s);
        if (stixText(s) !== lines.join('\n').trim()) note.push(s);
        // The panel also reduces links to their text and drops <code> tags: compare texts without either.
        if (!/\]\(|<\/?code>/.test(s) && plainAttackText(s) !== structure(lines)) panel.push(s);
      }
      expect(note.slice(0, 3)).toEqual([]);
      expect(panel.slice(0, 3)).toEqual([]);
    });
  }
});
