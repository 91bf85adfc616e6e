import fc from 'fast-check';
import { MAX_NAME_BYTES, MAX_NAME_LENGTH, safeFileName, techniqueFileName, uniquePath, withSuffix } from '../../src/core/import/names';

// Any input, including lone surrogates, control characters and the characters file systems reject.
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...'\\/:*?"<>|#^[]. \t\u0000\u001f\u202eaé\u0301CONlpt1'), maxLength: 40 }),
  fc.tuple(fc.constantFrom('CON', 'prn', 'Aux', 'NUL', 'com1', 'LPT9'), fc.constantFrom('', '.md', ' .txt', '...', '.')).map(([a, b]) => a + b),
);

describe('safeFileName', () => {
  test('is idempotent', () => {
    fc.assert(fc.property(nasty, (s) => safeFileName(safeFileName(s)) === safeFileName(s)), { numRuns: 2000 });
  });

  test('never yields a path, a forbidden character, a device name or a hidden file', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const n = safeFileName(s);
        expect(n).not.toMatch(/[\\/:*?"<>|#^[\]\p{Cc}]/u);
        expect(n).not.toMatch(/^[\s.]|[\s.]$/);
        expect(n.split('.')[0]).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/i);
        expect(n.length).toBeGreaterThan(0);
        expect(Array.from(n).length).toBeLessThanOrEqual(MAX_NAME_LENGTH + 1);
        expect(Buffer.byteLength(n)).toBeLessThanOrEqual(MAX_NAME_BYTES + 1);
        expect(() => encodeURIComponent(n)).not.toThrow(); // no lone surrogates
      }),
      { numRuns: 2000 },
    );
  });

  test('examples', () => {
    expect(techniqueFileName('T1059.006', 'Command and Scripting Interpreter: Python')).toBe(
      'T1059.006 - Command and Scripting Interpreter- Python',
    );
    expect(safeFileName('Exfiltration Over Alternative Protocol/Web')).toBe('Exfiltration Over Alternative Protocol_Web');
    expect(safeFileName('CON')).toBe('CON_');
    expect(safeFileName('con.md')).toBe('con_.md');
    expect(safeFileName(' name. . ')).toBe('name');
    expect(safeFileName('...')).toBe('untitled');
    expect(safeFileName('a\u0000b\tc')).toBe('a b c');
    expect(safeFileName('e\u0301')).toBe('é');
  });

  test('long names keep the ID prefix', () => {
    const n = safeFileName(`T1059.006 - ${'x'.repeat(300)}`);
    expect(n.startsWith('T1059.006 - ')).toBe(true);
    expect(n.length).toBe(MAX_NAME_LENGTH);
  });
});

describe('names in other scripts', () => {
  test('stay within the file systems\' 255 bytes, temporary file and suffix included', () => {
    for (const c of ['測', 'é', '😀']) {
      const name = techniqueFileName('T1059', c.repeat(200));
      expect(name.startsWith('T1059 - ')).toBe(true);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
      expect(safeFileName(name)).toBe(name);
      const tagged = withSuffix(name, ' (Atomic tests)');
      expect(tagged.endsWith(' (Atomic tests)')).toBe(true);
      expect(Buffer.byteLength(`.${tagged}.md.4194304.100000.tmp`)).toBeLessThanOrEqual(255);
    }
  });
});

describe('uniquePath', () => {
  test('numbers clashes, ignoring case', () => {
    const taken = new Set<string>();
    expect(uniquePath('Detection Rules', 'rule', taken)).toBe('Detection Rules/rule.md');
    expect(uniquePath('Detection Rules/', 'Rule', taken)).toBe('Detection Rules/Rule 2.md');
    expect(uniquePath('Detection Rules', 'RULE', taken)).toBe('Detection Rules/RULE 3.md');
    expect(uniquePath('Other', 'rule', taken)).toBe('Other/rule.md');
    expect(uniquePath('', 'x', taken, '.txt')).toBe('x.txt');
  });
});
