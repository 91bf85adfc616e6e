/**
 * Properties over generated notes: random Markdown-ish text around random query blocks (fence kinds and
 * lengths, indentation, callout and quote prefixes, CRLF, unclosed fences, frontmatter, no final newline).
 */
import fc from 'fast-check';
import { indexOf } from '../support/notes';
import { bodyBlocks, coverageBlocks, expectOnlyBlocksChanged, plan } from './helpers';

const index = indexOf({});

const filler = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'text', '# heading', '#T1059_006', '- item', '  - nested', '> quote', '> [!info] callout', '>', '', '    indented code',
        '```', '```yaml', '~~~', '---', '%%', '$$', '<!-- x -->', 'tag: detection_rule', 'FROM "Detection Rules" AND #T1059',
        '\t', 'é 日本 🎉', '\uFEFF', '````dataview', '> ```', '1. one',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 6 },
  );

const queries = fc.constantFrom<[string, string]>(
  ['dataview', 'table without id\nfile.link AS "Name",\nstatus AS "Status"\nFROM "Detection Rules" AND #T1059_006'],
  ['dataview', 'TABLE without id\nfilename AS "Name"\nFROM "Testing Runbooks" AND #T1105'],
  ['dataview', 'LIST FROM #T1003_001 AND "atomics"'],
  ['DataView', 'LIST FROM "Detection Rules" AND #t1059'],
  ['query', 'tag: detection_rule\ntag: T1566_001'],
  ['query', 'tag: atomic_test tag: T1566_001'],
  ['query', 'tag: reconnaissance\ntag: detection_rule'],
  ['dataview', 'TABLE status FROM "Detection Rules" AND #T1059 WHERE level = "high"'],
  ['dataview', 'LIST FROM "Elsewhere" AND #T1059'],
  ['dataview', ''],
  ['dataviewjs', 'dv.list()'],
  ['attack-coverage', 'technique: T1059'],
  ['yaml', 'a: 1'],
);

const block = fc.record({
  query: queries,
  fence: fc.constantFrom('```', '````', '~~~', '~~~~~'),
  closeExtra: fc.constantFrom(0, 0, 0, 1, 2, -1),
  indent: fc.constantFrom('', '', ' ', '  ', '   '),
  quote: fc.constantFrom('', '', '> ', '>', '> > ', '>\t'),
  trailing: fc.constantFrom('', '', '  ', '\t'),
  info: fc.constantFrom('', '', ' extra'),
  blank: fc.boolean(),
});

type Block = typeof block extends fc.Arbitrary<infer T> ? T : never;

function renderBlock(b: Block): string[] {
  const [lang, query] = b.query;
  const p = b.quote + b.indent;
  const close = b.closeExtra < 0 ? b.fence.slice(0, -1) : b.fence + b.fence[0]!.repeat(b.closeExtra);
  const body = query.split('\n').map((l) => p + l);
  if (b.blank) body.splice(1, 0, b.quote.trimEnd());
  return [p + b.fence + lang + b.info, ...body, p + close + b.trailing];
}

const note = fc
  .record({
    parts: fc.array(fc.tuple(filler, block), { minLength: 1, maxLength: 5 }),
    tail: filler,
    eol: fc.constantFrom('\n', '\r\n', 'mixed'),
    frontmatter: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .map(({ parts, tail, eol, frontmatter, finalNewline }) => {
    const lines = [...(frontmatter ? ['---', 'tags: [a]', '---'] : []), ...parts.flatMap(([f, b]) => [...f, ...renderBlock(b)]), ...tail];
    let out = '';
    lines.forEach((l, i) => {
      out += l + (eol === 'mixed' ? (i % 2 ? '\r\n' : '\n') : eol);
    });
    return finalNewline ? out : out.replace(/\r?\n$/, '');
  });

describe('conversion properties', () => {
  test('only the converted blocks change, and converting again changes nothing', () => {
    let converted = 0;
    fc.assert(
      fc.property(note, (text) => {
        const p = plan(text, index);
        expectOnlyBlocksChanged(text, p);
        converted += p.blocks.filter((b) => b.after !== null).length;
        const again = plan(p.result, index);
        expect(again.changed).toBe(false);
        expect(again.result).toBe(p.result);
        // The same blocks are left with the same reasons.
        expect(again.blocks.map((b) => b.reason)).toEqual(p.blocks.filter((b) => b.after === null).map((b) => b.reason));
      }),
      { numRuns: 1500 },
    );
    expect(converted).toBeGreaterThan(500); // the generator does exercise conversion
  });

  test('the note keeps its block structure, and every converted block parses cleanly', () => {
    fc.assert(
      fc.property(note, (text) => {
        const p = plan(text, index);
        const before = bodyBlocks(text);
        const after = bodyBlocks(p.result);
        expect(after.length).toBe(before.length);
        const convertedLines = new Set(p.blocks.filter((b) => b.after !== null).map((b) => b.line));
        after.forEach((b, i) => {
          const was = before[i]!;
          expect(b.lang).toBe(convertedLines.has(was.start.line + 1) ? 'attack-coverage' : was.lang);
        });
        const fresh = coverageBlocks(p.result).filter((b) => b.code.content.startsWith('# converted from'));
        expect(fresh).toHaveLength(convertedLines.size);
        for (const b of fresh) {
          expect(b.parsed.problems).toEqual([]);
          expect(b.parsed.block.technique).toMatch(/^T\d{4}(\.\d{3})?$/);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
