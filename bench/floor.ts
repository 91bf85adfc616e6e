/**
 * The scan's floor as a program of its own: list the vault's notes, read each file and parse its
 * frontmatter exactly as the CLI does (src/cli/frontmatter.ts: gray-matter, js-yaml CORE_SCHEMA, code
 * engines off), and nothing else. `npm run bench` bundles it like the CLI and times the two processes
 * side by side, start-up included for both. Prints how many notes had frontmatter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFrontmatter } from '../src/cli/frontmatter';
import { listNotes } from '../src/cli/vault';

const root = process.argv[2];
if (!root) throw new Error('usage: floor <vault folder>');
let withFrontmatter = 0;
for (const p of listNotes(root)) if (readFrontmatter(readFileSync(join(root, p), 'utf8')).data) withFrontmatter++;
process.stdout.write(`${withFrontmatter}\n`);
