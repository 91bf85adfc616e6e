import fc from 'fast-check';
import { evaluateQuery, findQueryBlocks, parseDataview, parseQueryBlock, parseSearch, toCoverageSpec } from '../../src/core/queries';
import { indexOf } from '../support/notes';
import * as F from './formats';

const hints = { ruleFolders: ['Detection Rules'], testFolders: ['atomics', 'Testing Runbooks'], ruleTags: ['detection_rule'], testTags: ['atomic_test'] };

describe('parsing the Dataview subset', () => {
  test('the seed note\'s two tables', () => {
    const q = parseDataview('table without id\nfile.link AS "Name",\nstatus AS "Status",\nlevel AS "Level",\nlogsrc_product AS "Log Source Product"\nFROM "Detection Rules" AND #T1059_006');
    expect(q).toEqual({
      supported: true,
      kind: 'dataview',
      mode: 'table',
      withoutId: true,
      columns: [
        { expr: 'file.link', label: 'Name' },
        { expr: 'status', label: 'Status' },
        { expr: 'level', label: 'Level' },
        { expr: 'logsrc_product', label: 'Log Source Product' },
      ],
      source: { op: 'and', left: { op: 'folder', path: 'Detection Rules' }, right: { op: 'tag', tag: 'T1059_006' } },
    });
    expect(parseDataview('TABLE without id\nfilename AS "Name"\nFROM "atomics" AND #T1059_006').supported).toBe(true);
    expect(parseDataview('LIST FROM #T1059_006 OR -"Archive"').supported).toBe(true);
  });

  test.each([
    ['TABLE status FROM "Detection Rules" WHERE level = "high"', 'WHERE'],
    ['TABLE status FROM "x" SORT file.name', 'SORT'],
    ['TABLE status WHERE level = "high" FROM "Detection Rules"', 'WHERE'],
    ['LIST file.name LIMIT 5 FROM "x"', 'LIMIT'],
    ['TABLE a SORT a DESC FROM "x" AND #y', 'SORT'],
    ['LIST FROM #t1059_006 AND - "Detection Rules"', 'followed directly'],
    ['TASK FROM "x"', 'TASK'],
    ['TABLE status', 'without FROM'],
    ['LIST FROM [[Some note]]', 'link'],
    ['LIST FROM "x" AND', 'ends early'],
    ['LIST FROM ("x" AND #y', 'parentheses'],
  ])('%s is reported as unsupported (%s)', (query, why) => {
    const q = parseDataview(query);
    expect(q.supported).toBe(false);
    expect(q.supported ? '' : q.reason).toContain(why);
  });

  test('the query type needs space or the end after it; WITHOUT ID is read even run into the first field', () => {
    expect(parseDataview('TABLE"x" FROM "y"').supported).toBe(false);
    expect(parseDataview('LIST(x) FROM "y"').supported).toBe(false);
    expect(parseDataview('TABLE without idx FROM "y"')).toMatchObject({ supported: true, withoutId: true, columns: [{ expr: 'x', label: 'x' }] });
  });

  test('sort is no keyword in Dataview\'s expressions: first in the field list or after a comma it is a field', () => {
    expect(parseDataview('TABLE sort FROM "x"')).toMatchObject({ supported: true, columns: [{ expr: 'sort', label: 'sort' }] });
    expect(parseDataview('TABLE WITHOUT ID status, sort AS "Order" FROM "x"')).toMatchObject({
      supported: true,
      columns: [
        { expr: 'status', label: 'status' },
        { expr: 'sort', label: 'Order' },
      ],
    });
    expect(parseDataview('TABLE status sort FROM "x"')).toMatchObject({ supported: false, reason: 'SORT clauses are not supported' });
    expect(parseDataview('TABLE sort FROM "x" SORT sort')).toMatchObject({ supported: false, reason: 'SORT clauses are not supported' });
  });

  test('Obsidian query blocks: tag lines, AND-ed', () => {
    expect(parseSearch('tag: detection_rule\ntag: T1059_006\n')).toEqual({ supported: true, kind: 'search', tags: ['detection_rule', 'T1059_006'] });
    expect(parseSearch('tag:#Reconnaissance \ntag:detection_rule').supported).toBe(true);
    expect(parseSearch('path:"Detection Rules" tag:x').supported).toBe(false);
    expect(parseQueryBlock('mermaid', 'x').supported).toBe(false);
  });
});

describe('rows are the notes Dataview and Obsidian search list', () => {
  const vault = {
    'Detection Rules/a.md': '---\ntags: [execution, t1059_006, detection_rule]\n---\n',
    'Detection Rules/sub/b.md': '---\ntags: [T1059_006]\n---\n', // sub-folder, upper case
    'Detection Rules/c.md': '---\ntags: t1059_006, detection_rule\n---\n', // Dataview splits, Obsidian does not
    'Detection Rules/d.md': 'body tag #t1059_006/extra here\n', // nested sub-tag matches the parent tag
    'Detection Rules/e.md': '---\ntags: [t1059]\n---\n', // the parent is not a match
    'Detection Rules Archive/f.md': '---\ntags: [t1059_006]\n---\n', // a folder prefix is not the folder
    'Other/g.md': '---\nTAGS: [t1059_006, detection_rule]\n---\n', // any-case key: Dataview yes, Obsidian no
  };
  const index = indexOf(vault);

  test('FROM "folder" AND #tag', () => {
    const q = parseDataview('LIST FROM "Detection Rules" AND #T1059_006');
    expect(evaluateQuery(index, q)).toEqual(['Detection Rules/a.md', 'Detection Rules/c.md', 'Detection Rules/d.md', 'Detection Rules/sub/b.md']);
  });

  test('OR, negation, parentheses, a missing folder', () => {
    expect(evaluateQuery(index, parseDataview('LIST FROM #t1059_006 AND -"Detection Rules"'))).toEqual(['Detection Rules Archive/f.md', 'Other/g.md']);
    expect(evaluateQuery(index, parseDataview('LIST FROM ("Other" OR "Detection Rules Archive") AND #t1059_006'))).toEqual(['Detection Rules Archive/f.md', 'Other/g.md']);
    expect(evaluateQuery(index, parseDataview('LIST FROM "Nowhere"'))).toEqual([]);
    expect(evaluateQuery(index, parseDataview('LIST FROM "Detection Rules/a"'))).toEqual(['Detection Rules/a.md']);
  });

  // Dataview's sources reference: "trailing slashes are not supported, i.e. "Path/To/Folder/" will not work".
  test('a folder path ending in "/" lists nothing, and stands for no rule folder; "" and "/" are the whole vault', () => {
    expect(evaluateQuery(index, parseDataview('LIST FROM "Detection Rules/" AND #T1059_006'))).toEqual([]);
    expect(evaluateQuery(index, parseDataview('LIST FROM "Detection Rules/"'))).toEqual([]);
    expect(toCoverageSpec(parseDataview('LIST FROM "Detection Rules/" AND #T1059_006'), hints)).toBeNull();
    expect(evaluateQuery(index, parseDataview('LIST FROM "/" AND #t1059'))).toEqual(['Detection Rules/e.md']);
    expect(evaluateQuery(index, parseDataview('LIST FROM "" AND #t1059'))).toEqual(['Detection Rules/e.md']);
  });

  test('AND and OR share one precedence, left to right, as in Dataview', () => {
    expect(parseDataview('LIST FROM #a OR #b AND "x"')).toMatchObject({
      source: { op: 'and', left: { op: 'or', left: { op: 'tag', tag: 'a' }, right: { op: 'tag', tag: 'b' } }, right: { op: 'folder', path: 'x' } },
    });
    // (tagged #t1059_006 anywhere, or in Other) and in Detection Rules: the tagged rules only.
    expect(evaluateQuery(index, parseDataview('LIST FROM #t1059_006 OR "Other" AND "Detection Rules"'))).toEqual([
      'Detection Rules/a.md',
      'Detection Rules/c.md',
      'Detection Rules/d.md',
      'Detection Rules/sub/b.md',
    ]);
  });

  test('a frontmatter list\'s 0 and false are no tags for Dataview; a lone 0 or false is', () => {
    const dv = indexOf({
      'n/list.md': '---\ntags: [0, false, kept]\n---\n',
      'n/zero.md': '---\ntags: 0\n---\n',
      'n/false.md': '---\ntag: false\n---\n',
    });
    expect(evaluateQuery(dv, parseDataview('LIST FROM #0'))).toEqual(['n/zero.md']);
    expect(evaluateQuery(dv, parseDataview('LIST FROM #false'))).toEqual(['n/false.md']);
    expect(evaluateQuery(dv, parseDataview('LIST FROM #kept'))).toEqual(['n/list.md']);
  });

  test('query blocks follow Obsidian\'s tag reading', () => {
    expect(evaluateQuery(index, parseSearch('tag: detection_rule\ntag: T1059_006'))).toEqual(['Detection Rules/a.md']);
  });

  test('translation into a coverage block', () => {
    expect(toCoverageSpec(parseDataview('LIST FROM "Detection Rules" AND #T1059_006'), hints)).toEqual({ technique: 'T1059.006', show: ['rules'] });
    expect(toCoverageSpec(parseDataview('LIST FROM "atomics" AND #T1059_006'), hints)).toEqual({ technique: 'T1059.006', show: ['tests'] });
    expect(toCoverageSpec(parseSearch('tag: atomic_test\ntag: T1059_006'), hints)).toEqual({ technique: 'T1059.006', show: ['tests'] });
    expect(toCoverageSpec(parseDataview('LIST FROM "Elsewhere" AND #T1059_006'), hints)).toBeNull();
    expect(toCoverageSpec(parseSearch('tag: Reconnaissance\ntag: detection_rule'), hints)).toBeNull();
  });

  test('the seed note\'s blocks in a UCC vault', () => {
    const ucc = indexOf({
      'Use Cases/T1059.006 - Python.md': F.UCC_TECHNIQUE,
      'Detection Rules/File Was Not Allowed To Run.md': F.UCC_APPLOCKER_RULE,
      'atomics/T1059.006/T1059.006.md': F.UCC_ART_MD,
    });
    expect(evaluateQuery(ucc, parseDataview('table without id\nfile.link AS "Name"\nFROM "Detection Rules" AND #T1059_006'))).toEqual(['Detection Rules/File Was Not Allowed To Run.md']);
    expect(evaluateQuery(ucc, parseDataview('TABLE without id\nfilename AS "Name"\nFROM "atomics" AND #T1059_006'))).toEqual(['atomics/T1059.006/T1059.006.md']);
  });
});

describe('FROM strings as Dataview\'s parser reads them', () => {
  // Dataview's string literal: `\"` is a quote, `\\` a backslash; any other backslash stays as written.
  const odd = indexOf({
    'odd\\dir/a.md': '# a\n',
    'odd\\\\dir/b.md': '# b\n',
    'odd\\ndir/c.md': '# c\n',
    'y/d.md': '# d\n',
  });

  test('\\\\ is one backslash, \\" a quote, \\n stays a backslash and an n', () => {
    expect(evaluateQuery(odd, parseDataview('LIST FROM "odd\\\\dir"'))).toEqual(['odd\\dir/a.md']);
    expect(evaluateQuery(odd, parseDataview('LIST FROM "odd\\ndir"'))).toEqual(['odd\\ndir/c.md']);
    expect(parseDataview('LIST FROM "say \\"hi\\"" AND #x')).toMatchObject({
      supported: true,
      source: { op: 'and', left: { op: 'folder', path: 'say "hi"' }, right: { op: 'tag', tag: 'x' } },
    });
  });

  test('an escaped quote does not end the string: FROM inside it is text', () => {
    const q = parseDataview('TABLE x AS "a \\" FROM" FROM "y"');
    expect(q).toMatchObject({ supported: true, columns: [{ expr: 'x', label: 'a " FROM' }], source: { op: 'folder', path: 'y' } });
    expect(evaluateQuery(odd, q)).toEqual(['y/d.md']);
  });

  test('a string ending in a lone backslash is not closed', () => {
    expect(parseDataview('LIST FROM "odd\\"')).toMatchObject({ supported: false, reason: 'unterminated string in FROM' });
  });
});

describe('// comments as Dataview\'s parser reads them', () => {
  // Dataview skips `//` comments (to the end of the line) before the header, after it and after each clause.
  const dv = indexOf({ 'Detection Rules/a.md': '#T1059_006\n', 'Detection Rules/b.md': '#other\n', 'x/c.md': '#T1059_006\n' });

  test('comment lines and end-of-line comments around the clauses are skipped, keywords in them too', () => {
    const q = parseDataview(
      '// rules from Sigma where level is high\nTABLE without id\nfile.link AS "Name" // the note\n// sorted by name\nFROM "Detection Rules" AND #T1059_006 // this technique\n// limit 5\n',
    );
    expect(q).toMatchObject({ supported: true, mode: 'table', withoutId: true, columns: [{ expr: 'file.link', label: 'Name' }] });
    expect(evaluateQuery(dv, q)).toEqual(['Detection Rules/a.md']);
    expect(evaluateQuery(dv, parseDataview('LIST FROM "Detection Rules"// all of them'))).toEqual(['Detection Rules/a.md', 'Detection Rules/b.md']);
  });

  test.each([
    'LIST FROM "Detection Rules" // the folder\nAND #T1059_006',
    'LIST FROM // the folder\n"Detection Rules"',
    'TABLE a, // first\nb FROM "x"',
    'TABLE // no id\nWITHOUT ID a FROM "x"',
  ])('%j: a comment inside a clause fails in Dataview, so it is unsupported', (query) => {
    expect(parseDataview(query)).toMatchObject({ supported: false, reason: expect.stringContaining('// comment') });
  });

  test('// inside a string or a tag is no comment', () => {
    expect(parseDataview('LIST FROM "a//b" OR #c//d')).toMatchObject({
      supported: true,
      source: { op: 'or', left: { op: 'folder', path: 'a//b' }, right: { op: 'tag', tag: 'c//d' } },
    });
  });
});

describe('translation edge cases', () => {
  test('a query mixing rule and test sources is not translated', () => {
    expect(toCoverageSpec(parseDataview('LIST FROM "Detection Rules" AND "atomics" AND #T1059_006'), hints)).toBeNull();
    expect(toCoverageSpec(parseSearch('tag: detection_rule\ntag: atomic_test\ntag: T1059_006'), hints)).toBeNull();
  });
});

test('a fence inside the frontmatter is not a query block', () => {
  const text = '---\nnote: |\n  ```dataview\n  LIST FROM "a"\n  ```\n---\n```query\ntag: x\n```\n';
  expect(findQueryBlocks(text).map((b) => b.lang)).toEqual(['query']);
});

describe('FROM tags as Dataview\'s parser reads them', () => {
  test.each(['LIST FROM #', 'LIST FROM # AND "x"', 'LIST FROM (#)', 'LIST FROM "x" AND -#'])('%j is unsupported, not a crash', (query) => {
    const q = parseDataview(query);
    expect(q.supported).toBe(false);
  });

  test.each(['LIST FROM #T1059.006', 'LIST FROM #a,#b', 'LIST FROM "Detection Rules" AND #t1059.006', 'LIST FROM #a:b'])(
    '%j: Dataview stops the tag early and fails, so it is unsupported',
    (query) => {
      const q = parseDataview(query);
      expect(q.supported ? '' : q.reason).toContain('is not a tag Dataview can read');
    },
  );

  test.each<[string, string]>([
    ['#T1059_006', 'T1059_006'],
    ['#attack/t1059', 'attack/t1059'],
    ['#car_2013-05-004', 'car_2013-05-004'],
    ['#日本語', '日本語'],
    ['#🎉', '🎉'],
  ])('%s is a tag', (tag, want) => {
    expect(parseDataview(`LIST FROM ${tag}`)).toMatchObject({ supported: true, source: { op: 'tag', tag: want } });
  });

  // Dataview's tag: '#' then anything but whitespace, ASCII punctuation other than - _ /, and U+2000–U+206F
  // and U+2E00–U+2E7F; its AND and OR are also spelled & and |, and need no space around them.
  test.each<[string, string]>([
    ['#a€', 'a€'],
    ['#prix£', 'prix£'],
    ['#ça_va', 'ça_va'],
  ])('%s is a tag: Dataview\'s tag characters are all but punctuation and space', (tag, want) => {
    expect(parseDataview(`LIST FROM ${tag}`)).toMatchObject({ supported: true, source: { op: 'tag', tag: want } });
  });

  test('a zero-width joiner ends a Dataview tag, so an emoji sequence after # fails the query', () => {
    expect(parseDataview('LIST FROM #\u{1F468}\u200D\u{1F469}')).toMatchObject({ supported: false, reason: expect.stringContaining('is not a tag Dataview can read') });
  });

  test('& and | are AND and OR; an operator word needs no space before a tag or a negation', () => {
    const dv = indexOf({ 'r/a.md': '#x #y\n', 'r/b.md': '#x\n', 's/c.md': '#y\n' });
    expect(evaluateQuery(dv, parseDataview('LIST FROM #x&#y'))).toEqual(['r/a.md']);
    expect(evaluateQuery(dv, parseDataview('LIST FROM #x | #y'))).toEqual(['r/a.md', 'r/b.md', 's/c.md']);
    expect(evaluateQuery(dv, parseDataview('LIST FROM "r" AND#y'))).toEqual(['r/a.md']);
    expect(evaluateQuery(dv, parseDataview('LIST FROM #y and-"r"'))).toEqual(['s/c.md']);
    expect(parseDataview('LIST FROM #x &&#y').supported).toBe(false);
  });

  test('no query text makes the parser throw', () => {
    const piece = fc.constantFrom('LIST ', 'TABLE ', 'FROM ', '#', '#a', '"', '"x"', '(', ')', '-', '!', ' AND ', ' OR ', ' ', '\n', '[[', ']]', 'WHERE ', ',');
    const query = fc.oneof(fc.string(), fc.array(piece, { maxLength: 12 }).map((p) => p.join('')));
    fc.assert(
      fc.property(query, (q) => {
        expect(() => parseDataview(q)).not.toThrow();
        expect(() => parseSearch(q)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
