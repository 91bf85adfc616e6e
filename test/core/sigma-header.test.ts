/**
 * The fast Sigma header reader against the full YAML parser, over every SigmaHQ rule in the corpus.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSigmaHeader } from '../../src/core/sigma-header';
import { embeddedRuleFacts } from '../../src/core/rules';
import { parseYamlCore } from '../../src/cli/yaml';
import { describeCorpus, listFiles } from '../support/corpus';

const block = (content: string) => [{ lang: 'yml', content, start: { line: 0, col: 0, offset: 0 } }];

describe('readSigmaHeader', () => {
  test('reads the house style and bails out of anything else', () => {
    const rule = "title: 'Quoted: title'\nid: 1\nstatus: test # comment\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        Image|endswith: '\\\\x.exe'\n    condition: sel\ntags:\n    - attack.execution\n    - attack.t1059.006\n";
    expect(readSigmaHeader(rule)).toEqual({
      title: 'Quoted: title',
      id: '1',
      status: 'test',
      level: '',
      logsource: { product: 'windows', service: '', category: 'process_creation' },
      tags: ['attack.execution', 'attack.t1059.006'],
    });
    expect(readSigmaHeader('title: x\ntags: [attack.t1059]\nlogsource:\n  product: w\ndetection:\n  condition: a\n')).toBeNull();
    expect(readSigmaHeader('title: &a x\nlogsource:\n  product: w\ndetection:\n  condition: a\n')).toBeNull();
    expect(readSigmaHeader('title: |\n  x\nlogsource:\n  product: w\ndetection:\n  condition: a\n')).toBeNull();
    expect(readSigmaHeader('title: x\nlogsource:\n  product: w\n')).toBeNull(); // no detection: not a rule
    expect(readSigmaHeader('title: x\n---\ntitle: y\nlogsource:\n  product: w\ndetection:\n  condition: a\n')).toBeNull();
  });
});

describeCorpus('readSigmaHeader on every SigmaHQ rule', (corpus) => {
  test('gives the same rule metadata as the full YAML parser', () => {
    const files = listFiles(join(corpus, 'sigma'), ['.yml', '.yaml']);
    expect(files.length).toBeGreaterThan(4000);
    let fast = 0;
    const mismatches: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (readSigmaHeader(text)) fast++;
      let full: unknown;
      try {
        full = embeddedRuleFacts(block(text), (t) => parseYamlCore(t)).facts;
      } catch {
        continue;
      }
      // A leading document marker means nothing to YAML but makes the header reader step aside.
      const forced = `---\n${text}`;
      expect(readSigmaHeader(forced)).toBeNull();
      const slow = embeddedRuleFacts(block(forced), parseYamlCore).facts;
      if (JSON.stringify(full) !== JSON.stringify(slow)) mismatches.push(f);
    }
    console.log(`readSigmaHeader handled ${fast} of ${files.length} SigmaHQ files; the rest use the YAML parser`);
    expect(mismatches).toEqual([]);
    expect(fast / files.length).toBeGreaterThan(0.95);
  });
});
