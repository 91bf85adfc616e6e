/**
 * Where a fresh `scan` process spends its time: the scan's steps, each timed, run once in a new process
 * so that the JIT is as cold as it is for a user (`npm run bench` runs it several times and keeps the
 * medians). The steps are the ones `loadVault` and the text output of `scan` take on one thread:
 * list, read, frontmatter (the floor's parser), the rest of the Markdown pass, analysis, indexing, summary.
 * Here they run note by note; the CLI runs the first two over batches of notes, in the same order.
 * Prints one JSON object of milliseconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '../src/core/attack';
import { CoverageIndex } from '../src/core/coverage-index';
import { readForIndex } from '../src/core/markdown';
import { analyzeNote } from '../src/core/note';
import { scanSummary } from '../src/core/report';
import { readFrontmatter } from '../src/cli/frontmatter';
import { listNotes, vaultSettings } from '../src/cli/vault';
import { parseYamlCore } from '../src/cli/yaml';

const root = process.argv[2];
if (!root) throw new Error('usage: cold-phases <vault folder>');
const ms: Record<string, number> = { list: 0, read: 0, frontmatter: 0, markdown_rest: 0, analyze: 0, index: 0, summary: 0 };
let t = performance.now();
const lap = (phase: string): void => {
  const now = performance.now();
  ms[phase] = (ms[phase] ?? 0) + now - t;
  t = now;
};

const paths = listNotes(root);
const index = new CoverageIndex({ settings: vaultSettings(root), catalog: defaultCatalog(), env: { parseYaml: parseYamlCore } });
lap('list');
const env = { parseYaml: parseYamlCore };
let frontmatter = 0;
const timedFrontmatter: typeof readFrontmatter = (text) => {
  const t0 = performance.now();
  const r = readFrontmatter(text);
  frontmatter += performance.now() - t0;
  return r;
};
for (const path of paths) {
  const text = readFileSync(join(root, path), 'utf8');
  lap('read');
  const { cache, problems, codeBlocks } = readForIndex(text, timedFrontmatter);
  lap('markdown_rest');
  const facts = analyzeNote({ path, cache, text, codeBlocks, readProblems: problems }, env);
  lap('analyze');
  index.upsertFacts(facts, false);
  lap('index');
}
ms.markdown_rest = (ms.markdown_rest ?? 0) - frontmatter;
ms.frontmatter = frontmatter;
const summary = scanSummary(index, root);
lap('summary');
if (summary.counts.notes !== paths.length) throw new Error('not every note was indexed');
process.stdout.write(`${JSON.stringify(ms)}\n`);
