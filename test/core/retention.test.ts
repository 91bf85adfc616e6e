/**
 * The index keeps facts, not note texts. A rule title, heading or tag read from the text must not keep the
 * whole text reachable: measured on the heap, with 300 notes of 64 KB each (19 MB of text) indexed and
 * their texts dropped.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readFrontmatter } from '../../src/cli/frontmatter';
import { parseYamlCore } from '../../src/cli/yaml';
import { CoverageIndex } from '../../src/core/coverage-index';
import { readForIndex } from '../../src/core/markdown';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const NOTES = 300;
const FILLER = 64 * 1024;

/** A rule note whose title, rule ID, level, heading and body tag are all cut from its own text. */
function ruleNote(i: number): string {
  const filler = `Filler line ${i} for a note that is mostly prose.\n`.repeat(Math.ceil(FILLER / 50)).slice(0, FILLER);
  return [
    '---',
    'tags: [detection_rule]',
    '---',
    `# Heading of rule number ${i} with a long title`,
    '',
    `Body tag #attack/t1059_006 and #a_long_body_tag_number_${i}`,
    '',
    filler,
    '```yml',
    `title: Suspicious Python One-Liner Number ${i}`,
    `id: 8d6c3c5f-0000-4000-8000-${String(i).padStart(12, '0')}`,
    'status: experimental',
    'level: medium',
    'logsource:',
    '  category: process_creation',
    '  product: linux',
    'tags:',
    '  - attack.t1059.006',
    'detection:',
    '  selection:',
    '    CommandLine|contains: python -c',
    '  condition: selection',
    '```',
    '',
  ].join('\n');
}

test('indexed notes do not keep their texts alive', () => {
  const index = new CoverageIndex({ env: { parseYaml: parseYamlCore } });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < NOTES; i++) {
    const text = ruleNote(i);
    const { cache, problems, codeBlocks } = readForIndex(text, readFrontmatter);
    index.upsert({ path: `Detection Rules/rule ${i}.md`, cache, text, codeBlocks, readProblems: problems });
  }
  gc();
  const retained = process.memoryUsage().heapUsed - before;

  // The facts came from the texts, so the texts were read.
  const facts = index.get('Detection Rules/rule 7.md')?.facts;
  expect(facts?.rule?.title).toBe('Suspicious Python One-Liner Number 7');
  expect(facts?.rule?.ruleId).toBe('8d6c3c5f-0000-4000-8000-000000000007');
  expect(facts?.tags).toContain('a_long_body_tag_number_7');
  expect(index.technique('T1059.006').rules).toHaveLength(NOTES);
  // Keeping the texts would retain NOTES × FILLER bytes (19 MB); the facts take a small fraction of that.
  expect(retained).toBeLessThan((NOTES * FILLER) / 10);
});
