import { planConversion } from '../../src/core/convert';
import { findCodeBlocks } from '../../src/core/markdown';
import { indexOf } from '../support/notes';
import { coverageBlocks, expectOnlyBlocksChanged, plan } from './helpers';

const empty = indexOf({});
const RULES = 'TABLE without id\nfile.link AS "Name"\nFROM "Detection Rules" AND #T1059_006';
const TESTS = 'TABLE without id\nfilename AS "Name"\nFROM "atomics" AND #T1059_006';

function converted(text: string, index = empty) {
  const p = plan(text, index);
  expectOnlyBlocksChanged(text, p);
  // Idempotent: the result plans to no change.
  const again = plan(p.result, index);
  expect(again.changed).toBe(false);
  expect(again.result).toBe(p.result);
  return p;
}

describe('planConversion', () => {
  test('the seed note: both tables become coverage blocks, nothing else moves', () => {
    const text = `# T1059.006\n\n### Detection Rule\n\n\`\`\`dataview\n${RULES}\n\`\`\`\n\n### Rule Testing\n\n\`\`\`dataview\n${TESTS}\n\`\`\`\n\nafter\n`;
    const p = converted(text);
    expect(p.result).toBe(
      '# T1059.006\n\n### Detection Rule\n\n```attack-coverage\n' +
        '# converted from dataview: TABLE without id file.link AS "Name" FROM "Detection Rules" AND #T1059_006\n' +
        'technique: T1059.006\nshow: [rules]\n```\n\n### Rule Testing\n\n```attack-coverage\n' +
        '# converted from dataview: TABLE without id filename AS "Name" FROM "atomics" AND #T1059_006\n' +
        'technique: T1059.006\nshow: [tests]\n```\n\nafter\n',
    );
    expect(p.blocks.map((b) => [b.line, b.language, b.technique, b.section])).toEqual([
      [5, 'dataview', 'T1059.006', 'rules'],
      [13, 'dataview', 'T1059.006', 'tests'],
    ]);
    const blocks = coverageBlocks(p.result);
    expect(blocks.map((b) => [b.parsed.block.technique, b.parsed.block.show, b.parsed.problems])).toEqual([
      ['T1059.006', ['rules'], []],
      ['T1059.006', ['tests'], []],
    ]);
  });

  test('Obsidian query blocks of tag: lines', () => {
    const p = converted('x\n```query\ntag: detection_rule\ntag: T1003_001\n```\n');
    expect(p.blocks[0]).toMatchObject({ technique: 'T1003.001', section: 'rules' });
    expect(p.result).toBe('x\n```attack-coverage\n# converted from query: tag: detection_rule tag: T1003_001\ntechnique: T1003.001\nshow: [rules]\n```\n');
  });

  test('inside a callout, every new line keeps the callout prefix; nested quotes too', () => {
    const text = `> [!info]- Rules\n> \`\`\`dataview\n> ${RULES.split('\n').join('\n> ')}\n> \`\`\`\n>\n> > \`\`\`query\n> > tag: atomic_test\n> > tag: T1059_006\n> > \`\`\`\n\nplain\n`;
    const p = converted(text);
    expect(p.blocks.every((b) => b.after !== null)).toBe(true);
    const [first, second] = p.blocks;
    for (const line of first!.after!.split('\n')) expect(line.startsWith('> ')).toBe(true);
    for (const line of second!.after!.split('\n')) expect(line.startsWith('> > ')).toBe(true);
    // Still inside the callout: the blocks are found at the same depth with clean YAML.
    const blocks = coverageBlocks(p.result);
    expect(blocks.map((b) => b.parsed.block.show)).toEqual([['rules'], ['tests']]);
    expect(blocks.every((b) => b.parsed.problems.length === 0)).toBe(true);
    expect(p.result.endsWith('> > ```\n\nplain\n')).toBe(true);
  });

  test('CRLF notes keep CRLF everywhere, and no trailing newline stays no trailing newline', () => {
    const text = `a\r\n\r\n\`\`\`dataview\r\n${RULES.replace(/\n/g, '\r\n')}\r\n\`\`\``;
    const p = converted(text);
    expect(p.result.replace(/\r\n/g, '')).not.toContain('\n');
    expect(p.result.endsWith('show: [rules]\r\n```')).toBe(true);
    expect(coverageBlocks(p.result)[0]!.parsed.problems).toEqual([]);
  });

  test('indentation, tilde fences, long fences and the closing line are kept', () => {
    const text = `- item\n  ~~~~dataview extra info\n  ${RULES.split('\n').join('\n  ')}\n  ~~~~~~   \n- next\n`;
    const p = converted(text);
    expect(p.blocks[0]!.after).toBe(
      '  ~~~~attack-coverage\n  # converted from dataview: TABLE without id file.link AS "Name" FROM "Detection Rules" AND #T1059_006\n' +
        '  technique: T1059.006\n  show: [rules]\n  ~~~~~~   ',
    );
    expect(findCodeBlocks(p.result)[0]!.content).toBe(
      '# converted from dataview: TABLE without id file.link AS "Name" FROM "Detection Rules" AND #T1059_006\ntechnique: T1059.006\nshow: [rules]',
    );
  });

  test('a BOM and frontmatter are untouched; a fence inside frontmatter is not a block', () => {
    const text = `\uFEFF---\ntags: [x]\nnote: |\n  \`\`\`dataview\n  ${RULES.split('\n').join('\n  ')}\n  \`\`\`\n---\n\`\`\`dataview\n${RULES}\n\`\`\`\n`;
    const p = converted(text);
    expect(p.blocks).toHaveLength(1);
    expect(p.blocks[0]!.line).toBe(10);
    expect(p.result.startsWith(text.slice(0, text.indexOf('---\n```') + 4))).toBe(true);
  });

  test('blocks that do not translate are left as they are, with a reason', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['dataview', 'TABLE status FROM "Detection Rules" AND #T1059 WHERE level = "high"', /WHERE/],
      ['dataview', 'LIST FROM "Detection Rules" AND (#T1059 OR #T1106)', /OR and NOT/],
      ['dataview', 'LIST FROM "Detection Rules" AND #T1059 AND #T1106', /2 techniques/],
      ['dataview', 'LIST FROM "Detection Rules" AND #atomic_test AND #T1059', /mixes rule and test/],
      ['dataview', 'LIST FROM "Elsewhere" AND #T1059', /"Elsewhere" is not a rule or test folder/],
      ['dataview', 'LIST FROM "Detection Rules/" AND #T1059', /"Detection Rules\/" is not a rule or test folder \(Dataview lists nothing/],
      ['dataview', 'LIST FROM "Detection Rules"', /names no technique/],
      ['dataview', 'LIST FROM #T1059', /no rule or test folder/],
      ['query', 'tag: reconnaissance\ntag: detection_rule', /#reconnaissance is neither/],
      ['query', 'path:"Detection Rules" tag: T1059', /not supported/],
      ['dataview', 'TASK FROM "x"', /TASK/],
    ];
    for (const [lang, query, why] of cases) {
      const text = `before\n\`\`\`${lang}\n${query}\n\`\`\`\nafter\n`;
      const p = converted(text);
      expect(p.changed).toBe(false);
      expect(p.blocks).toHaveLength(1);
      expect(p.blocks[0]!.after).toBeNull();
      expect(p.blocks[0]!.reason).toMatch(why);
      expect(p.blocks[0]!.before).toBe(`\`\`\`${lang}\n${query}\n\`\`\``);
    }
  });

  test('an unclosed block (to the end of the file or of its callout) is left alone', () => {
    for (const text of [`x\n\`\`\`dataview\n${RULES}\n`, `> \`\`\`dataview\n> ${RULES.split('\n').join('\n> ')}\n\nafter\n`]) {
      const p = converted(text);
      expect(p.changed).toBe(false);
      expect(p.blocks[0]!.reason).toMatch(/no closing fence/);
    }
  });

  test('other languages and existing coverage blocks are not listed', () => {
    const text = '```dataviewjs\ndv.list()\n```\n```attack-coverage\ntechnique: T1059\n```\n```yaml\na: 1\n```\n';
    const p = converted(text);
    expect(p.blocks).toEqual([]);
    expect(p.result).toBe(text);
  });

  test('two blocks for the same technique and section are both converted', () => {
    const block = `\`\`\`dataview\n${RULES}\n\`\`\`\n`;
    const p = converted(`${block}\n${block}`);
    expect(p.blocks.filter((b) => b.after !== null)).toHaveLength(2);
    expect(coverageBlocks(p.result)).toHaveLength(2);
  });

  test('accept can veto a block; the rest is still converted', () => {
    const text = `\`\`\`dataview\n${RULES}\n\`\`\`\n\`\`\`dataview\n${TESTS}\n\`\`\`\n`;
    const p = plan(text, empty);
    const vetoed = planConversion(text, {
      index: empty,
      path: 'note.md',
      hints: { ruleFolders: ['Detection Rules'], testFolders: ['atomics'], ruleTags: [], testTags: [] },
      accept: (b) => (b.section === 'tests' ? 'changed since the preview' : true),
    });
    expect(vetoed.blocks.map((b) => [b.after !== null, b.reason])).toEqual([
      [true, undefined],
      [false, 'changed since the preview'],
    ]);
    expect(vetoed.result).toBe(p.result.slice(0, p.result.indexOf('```\n') + 4) + text.slice(text.indexOf('```\n') + 4));
  });

  test('a technique with more rules than the panel lists by default gets a limit that shows them all', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 73; i++) files[`Detection Rules/r${i}.md`] = `---\ntags: [detection_rule, t1059_001]\n---\n# rule ${i}\n`;
    const index = indexOf(files);
    const p = converted(`\`\`\`dataview\nLIST FROM "Detection Rules" AND #T1059_001\n\`\`\`\n\`\`\`dataview\nLIST FROM "atomics" AND #T1059_001\n\`\`\`\n`, index);
    const [rules, tests] = coverageBlocks(p.result);
    expect(rules!.parsed.block.limit).toBe(100);
    expect(tests!.code.content).not.toContain('limit');
    // Few rules: no limit line.
    expect(converted(`\`\`\`dataview\nLIST FROM "Detection Rules" AND #T1059_006\n\`\`\`\n`, index).result).not.toContain('limit');
  });
});
