/** The import marker and the merge decision: what happens to a generated note the second time. */
import fc from 'fast-check';
import { contentHash, hash64 } from '../../src/core/import/hash';
import { composeNote, markerLine, mergeNote, parseGeneratedNote } from '../../src/core/import/merge';

const GEN = '---\ntitle: "A rule"\ntags: [t1059_006, detection_rule]\n---\n\n## A rule\n\nBody.\n';

describe('hash', () => {
  test('stable, 16 hex digits, sensitive to any change, blind to line endings only', () => {
    expect(hash64('abc')).toMatch(/^[0-9a-f]{16}$/);
    expect(hash64('abc')).toBe(hash64('abc'));
    expect(hash64('abc')).not.toBe(hash64('abd'));
    expect(hash64('')).not.toBe(hash64(' '));
    expect(contentHash('a\r\nb\r\n')).toBe(contentHash('a\nb\n'));
    expect(contentHash('a\nb')).not.toBe(contentHash('a\n\nb'));
  });

  test('no collisions among 20,000 near-identical strings', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(hash64(`${GEN}${i}`));
    expect(seen.size).toBe(20_000);
  });
});

describe('composeNote / parseGeneratedNote', () => {
  test('round trip: generated text, source, no tail', () => {
    const note = composeNote('sigma', 'sigma:1234', GEN);
    expect(note.startsWith(GEN)).toBe(true);
    expect(note.endsWith('-->\n')).toBe(true);
    const p = parseGeneratedNote(note);
    expect(p).toMatchObject({ kind: 'sigma', sourceId: 'sigma:1234', generated: GEN, tail: '', edited: false });
  });

  test('source IDs with spaces, arrows and unicode survive the marker', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (id) => {
        const p = parseGeneratedNote(composeNote('atomic', id, GEN, 'tail'));
        expect(p?.sourceId).toBe(id);
        expect(p?.tail).toBe('tail');
        expect(p?.edited).toBe(false);
      }),
    );
  });

  test('an edit anywhere above the marker is detected, below it is not', () => {
    const note = composeNote('sigma', 's', GEN);
    expect(parseGeneratedNote(note.replace('Body.', 'Body!'))?.edited).toBe(true);
    expect(parseGeneratedNote(note.replace('detection_rule]', 'detection_rule, mine]'))?.edited).toBe(true);
    expect(parseGeneratedNote(`${note}## Notes\n\nmine\n`)?.edited).toBe(false);
  });

  test('CRLF conversion (git autocrlf) is not an edit', () => {
    const note = composeNote('sigma', 's', GEN, 'my notes\n').replace(/\n/g, '\r\n');
    const p = parseGeneratedNote(note);
    expect(p?.edited).toBe(false);
    expect(p?.tail).toBe('my notes\r\n');
  });

  test('a marker-like line inside the generated text does not confuse the reader', () => {
    const tricky = `${GEN}\n${markerLine('sigma', 'other', '0000000000000000')}\n\nmore generated text\n`;
    const note = composeNote('sigma', 'real', tricky, 'user tail\n');
    const p = parseGeneratedNote(note);
    // The look-alike is written one space in, so that it can never be read as a marker.
    expect(p).toMatchObject({ sourceId: 'real', generated: tricky.replace('\n<!--', '\n <!--'), tail: 'user tail\n', edited: false });
    // Not even one carrying the hash of the text above it, once the real marker is gone.
    const forged = `${GEN}\n${markerLine('sigma', 'other', contentHash(GEN))}\nmore generated text\n`;
    const withoutMarker = composeNote('sigma', 'real', forged).split('\n').slice(0, -2).join('\n');
    expect(parseGeneratedNote(withoutMarker)).toBeNull();
  });

  test('no marker: not an imported note', () => {
    expect(parseGeneratedNote(GEN)).toBeNull();
    expect(parseGeneratedNote('<!-- attack-coverage-import sigma x 0123 -->\n')).toBeNull();
  });
});

describe('mergeNote', () => {
  const V2 = GEN.replace('Body.', 'Body, version 2.');

  test('nothing there: create', () => {
    const r = mergeNote('sigma', 's', GEN, null);
    expect(r.action).toBe('create');
    expect(r.text).toBe(composeNote('sigma', 's', GEN));
  });

  test('same source again: unchanged', () => {
    expect(mergeNote('sigma', 's', GEN, composeNote('sigma', 's', GEN)).action).toBe('unchanged');
  });

  test('newer source, note untouched: updated, the user section below the marker survives', () => {
    const old = `${composeNote('sigma', 's', GEN)}## Notes\n\nTuned for our SIEM.\n`;
    const r = mergeNote('sigma', 's', V2, old);
    expect(r.action).toBe('update');
    expect(r.text).toBe(`${composeNote('sigma', 's', V2)}## Notes\n\nTuned for our SIEM.\n`);
    // And the update is itself stable.
    expect(mergeNote('sigma', 's', V2, r.text as string).action).toBe('unchanged');
  });

  describe('a note saved with CRLF line endings (a Windows editor, git autocrlf)', () => {
    const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
    const bareLf = (s: string): number => (s.match(/(?<!\r)\n/g) ?? []).length;
    // The user's part below the marker, with one line an editor saved with LF: it is theirs, byte for byte.
    const TAIL = '## Notes\r\n\r\nTuned for our SIEM.\nsecond line\r\n';

    test('an update writes the generated part with CRLF too, and leaves the user part as it was', () => {
      const old = crlf(composeNote('sigma', 's', GEN)) + TAIL;
      const r = mergeNote('sigma', 's', V2, old);
      expect(r.action).toBe('update');
      const text = r.text as string;
      expect(text.endsWith(TAIL)).toBe(true);
      const head = text.slice(0, -TAIL.length);
      expect(bareLf(head)).toBe(0);
      expect(head.replace(/\r\n/g, '\n').startsWith(V2)).toBe(true);
      expect(parseGeneratedNote(text)).toMatchObject({ sourceId: 's', edited: false, tail: TAIL });
      expect(mergeNote('sigma', 's', V2, text).action).toBe('unchanged');
    });

    test('a note the user edited to read as the new text: only the marker moves on, still CRLF', () => {
      const old = crlf(composeNote('sigma', 's', GEN).replace('Body.', 'Body, version 2.')) + TAIL;
      const r = mergeNote('sigma', 's', V2, old);
      expect(r.action).toBe('update');
      expect(bareLf((r.text as string).slice(0, -TAIL.length))).toBe(0);
      // Only the marker line differs from the note as it was.
      const before = old.split('\r\n');
      const after = (r.text as string).split('\r\n');
      expect(after.length).toBe(before.length);
      expect(after.filter((l, i) => l !== before[i])).toEqual([expect.stringMatching(/^<!-- attack-coverage-import /)]);
    });

    test('an LF note stays LF', () => {
      const r = mergeNote('sigma', 's', V2, `${composeNote('sigma', 's', GEN)}my notes\n`);
      expect(r.text).not.toContain('\r');
    });
  });

  describe('a note an editor saved with a byte order mark (Windows Notepad)', () => {
    const BOM = '\uFEFF';

    test('the mark is not an edit: the same source leaves the note alone', () => {
      const note = `${BOM}${composeNote('sigma', 's', GEN)}my notes\n`;
      expect(parseGeneratedNote(note)?.edited).toBe(false);
      expect(mergeNote('sigma', 's', GEN, note)).toEqual({ action: 'unchanged' });
    });

    test('an update keeps the mark, and the CRLF line endings with it', () => {
      const note = `${BOM}${composeNote('sigma', 's', GEN).replace(/\n/g, '\r\n')}my notes\r\n`;
      const r = mergeNote('sigma', 's', V2, note);
      expect(r.action).toBe('update');
      const text = r.text as string;
      expect(text.startsWith(`${BOM}---\r\n`)).toBe(true);
      expect(text.indexOf(BOM, 1)).toBe(-1);
      expect(text.match(/(?<!\r)\n/g)).toBeNull();
      expect(text.endsWith('-->\r\nmy notes\r\n')).toBe(true);
      expect(mergeNote('sigma', 's', V2, text).action).toBe('unchanged');
    });
  });

  test('note edited by the user, source unchanged: kept, reported as kept edits', () => {
    const edited = composeNote('sigma', 's', GEN).replace('Body.', 'Body, with my remark.');
    const r = mergeNote('sigma', 's', GEN, edited);
    expect(r).toMatchObject({ action: 'unchanged', userEdited: true });
    expect(r.text).toBeUndefined();
  });

  test('note edited by the user, source changed: conflict, never overwritten', () => {
    const edited = composeNote('sigma', 's', GEN).replace('Body.', 'Body, with my remark.');
    const r = mergeNote('sigma', 's', V2, edited);
    expect(r.action).toBe('conflict');
    expect(r.userEdited).toBe(true);
    expect(r.reason).toMatch(/edited by you/);
    expect(r.text).toBeUndefined();
  });

  test('a note the importer did not make, or made for another item: conflict', () => {
    expect(mergeNote('sigma', 's', GEN, GEN).action).toBe('conflict');
    expect(mergeNote('sigma', 's', GEN, composeNote('sigma', 'other', GEN))).toMatchObject({ action: 'conflict', reason: expect.stringContaining('other') });
  });
});
