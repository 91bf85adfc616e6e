/**
 * Generate test-vault/ in the Use-Case-Catalogue layout from the shared corpus, through the importers
 * (the same code as `attack-coverage import` and the plugin's import commands):
 *
 *   npx tsx scripts/make-test-vault.ts
 *
 * Deterministic: the same corpus gives byte-identical files. Only the generated folders and files
 * listed in GENERATED are deleted and rewritten; anything else in test-vault/ (e.g. .obsidian/) is kept.
 * The selection (which techniques, rules and atomics) is made here; the notes are the importers'.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { FsTarget, sourceFiles } from '../src/cli/import-fs';
import { parseYamlCore } from '../src/cli/yaml';
import { defaultCatalog } from '../src/core/attack/catalog';
import { ATTACK_COPYRIGHT } from '../src/core/attack/stix';
import type { SourceKind } from '../src/core/import/merge';
import { runImport, type ImportOptions, type ImportSummary } from '../src/core/import/run';
import type { BlockStyle } from '../src/core/import/stix-import';

const ROOT = path.resolve(__dirname, '..');
const VAULT = path.join(ROOT, 'test-vault');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const GENERATED = ['Use Cases', 'Detection Rules', 'Testing Runbooks', 'LICENSES', 'Detection Rules.md', 'NOTICE.md', 'README.md'];

/** Rules kept per chosen technique (sorted by file name), apart from the ones always kept. */
const RULES_PER_TECHNIQUE = 40;
const ALWAYS_TAG = 'T1059.006';
const ALWAYS_FILES = ['win_applocker_application_was_prevented_from_running.yml'];

const catalog = defaultCatalog();

/** T1059 with all its sub-techniques, a spread over the tactics, and inactive IDs so that status flags show. */
const CHOSEN = [
  'T1059',
  ...catalog.subtechniqueIds('T1059'),
  ...['T1003.001', 'T1053.005', 'T1547.001', 'T1218.011', 'T1105', 'T1566.001', 'T1021.001', 'T1070.004', 'T1562.001'],
  ...['T1027', 'T1055', 'T1078', 'T1110.001', 'T1490', 'T1486', 'T1071.001', 'T1082', 'T1204.002'],
  'T1086', // revoked by T1059.001
  'T1153', // deprecated
].sort();
/** These notes use the later core `query` blocks instead of Dataview (the vault's HEAD). */
const QUERY_VARIANT = new Set(['T1027', 'T1082', 'T1486', 'T1566.001']);
/**
 * The importer writes `attack-coverage` blocks by default; this vault keeps the seed's Dataview (and the
 * later `query`) blocks so that the Dataview takeover, `blocks` and the conversion command have them to show.
 */
const blockStyle = (id: string): BlockStyle => (QUERY_VARIANT.has(id) ? 'query' : 'dataview');

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const write = (rel: string, text: string): void => {
  const file = path.join(VAULT, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};

function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out.sort(byName);
}

/** One import into the vault, failing loudly: the test vault must come out complete. */
async function importInto(kind: SourceKind, source: string, opts: Partial<ImportOptions> = {}): Promise<ImportSummary> {
  const s = await runImport(sourceFiles(source), new FsTarget(VAULT), { kind, parseYaml: parseYamlCore, ...opts });
  const problems = [...s.conflicts.map((c) => `${c.path}: ${c.reason}`), ...s.failed.map((f) => `${f.path}: ${f.reason}`), ...s.skipped.map((x) => `${x.source}: ${x.reason}`)];
  if (problems.length) throw new Error(`import ${kind}: ${problems.join('; ')}`);
  return s;
}

async function techniqueNotes(): Promise<number> {
  for (const id of CHOSEN) if (!catalog.get(id)) throw new Error(`${id} is not in ATT&CK ${catalog.version}`);
  const s = await importInto('attack', path.join(CORPUS, `attack/enterprise-attack-${catalog.version}.json`), {
    attack: { only: (id) => CHOSEN.includes(id), blocks: blockStyle },
  });
  return s.created.length;
}

const atomicFile = (id: string): string => path.join(CORPUS, `atomic-red-team/atomics/${id}/${id}.yaml`);

interface SigmaFile {
  file: string;
  rule: Record<string, unknown>;
  techniques: string[];
}

/** The chosen technique a rule's technique ID counts for: itself, its parent, or a v18 ID it replaces in v19. */
function bucketsFor(id: string): string[] {
  const out = new Set<string>();
  if (CHOSEN.includes(id)) out.add(id);
  const parent = id.split('.')[0] as string;
  if (parent !== id && CHOSEN.includes(parent)) out.add(parent);
  // SigmaHQ already tags v19 IDs (T1685 for v18's T1562.001): keep those rules for the v18 technique.
  for (const old of catalog.remappedFrom(id)) if (CHOSEN.includes(old)) out.add(old);
  return [...out];
}

async function ruleNotes(): Promise<number> {
  const root = path.join(CORPUS, 'sigma');
  const rules: SigmaFile[] = files(path.join(root, 'rules'), '.yml').map((file) => {
    const rule = load(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const tags = Array.isArray(rule.tags) ? (rule.tags as string[]) : [];
    const techniques = tags.flatMap((t) => /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t)?.[1]?.toUpperCase() ?? []);
    return { file, rule, techniques };
  });
  rules.sort((a, b) => byName(path.basename(a.file), path.basename(b.file)));

  const keep = new Set<string>();
  const perBucket = new Map<string, number>();
  for (const r of rules) {
    const rel = path.relative(root, r.file).split(path.sep).join('/');
    if (r.techniques.includes(ALWAYS_TAG) || ALWAYS_FILES.includes(path.basename(r.file))) keep.add(rel);
    for (const b of new Set(r.techniques.flatMap(bucketsFor))) {
      const n = perBucket.get(b) ?? 0;
      if (n >= RULES_PER_TECHNIQUE) continue;
      perBucket.set(b, n + 1);
      keep.add(rel);
    }
  }
  const s = await importInto('sigma', root, { filter: (p) => keep.has(p) });
  return s.created.length;
}

async function testNotes(): Promise<number> {
  const ids = new Set<string>();
  for (const chosen of CHOSEN) {
    // Atomic Red Team also moved to v19 IDs: v18's T1562.001 tests now live under T1685.
    const id = [chosen, catalog.remap(chosen)?.id].find((x) => x && existsSync(atomicFile(x)));
    if (id) ids.add(id);
  }
  const s = await importInto('atomic', path.join(CORPUS, 'atomic-red-team'), { filter: (p) => ids.has(p.split('/').at(-2) ?? '') });
  return s.created.length;
}

function hubNote(): void {
  const callout = (title: string, tag: string): string =>
    [`>[!info]- ${title}`, '>```query', `>tag: ${tag}`, '>tag: detection_rule', '>```', ''].join('\n');
  const tactics = catalog.tactics().map((t) => callout(t.name, t.shortname));
  write(
    'Detection Rules.md',
    [
      '---',
      'cssclasses: wide-page',
      '---',
      '',
      '## Detection Rules',
      '',
      'Grouped by MITRE ATT&CK tactics:',
      '',
      ...tactics,
      // ATT&CK v19 split Defense Evasion; SigmaHQ rules already use the new tactic tags.
      callout('Stealth (ATT&CK v19)', 'stealth'),
      callout('Defense Impairment (ATT&CK v19)', 'defense-impairment'),
    ].join('\n'),
  );
}

// DRL 1.1 as published in SigmaHQ/Detection-Rule-License (LICENSE.Detection.Rules.md); the corpus only links to it.
const DRL_1_1 = `# Detection Rule License (DRL) 1.1

Permission is hereby granted, free of charge, to any person obtaining a copy of this rule set and associated documentation files (the "Rules"), to deal in the Rules without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Rules, and to permit persons to whom the Rules are furnished to do so, subject to the following conditions:

If you share the Rules (including in modified form), you must retain the following if it is supplied within the Rules:

1. identification of the authors(s) ("author" field) of the Rule and any others designated to receive attribution, in any reasonable manner requested by the Rule author (including by pseudonym if designated).
2. a URI or hyperlink to the Rule set or explicit Rule to the extent reasonably practicable
3. indicate the Rules are licensed under this Detection Rule License, and include the text of, or the URI or hyperlink to, this Detection Rule License to the extent reasonably practicable

If you use the Rules (including in modified form) on data, messages based on matches with the Rules must retain the following if it is supplied within the Rules:

1. identification of the authors(s) ("author" field) of the Rule and any others designated to receive attribution, in any reasonable manner requested by the Rule author (including by pseudonym if designated).

THE RULES ARE PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE RULES OR THE USE OR OTHER DEALINGS IN THE RULES.
`;

function notices(counts: { techniques: number; rules: number; tests: number }): void {
  write('LICENSES/DRL-1.1.md', DRL_1_1);
  // Read and write rather than copy, so the file does not inherit the corpus's read-only mode.
  write('LICENSES/atomic-red-team-MIT.txt', readFileSync(path.join(CORPUS, 'atomic-red-team/LICENSE.txt'), 'utf8'));
  write(
    'NOTICE.md',
    `# Notice

This vault reproduces third-party content. Rules and tests are unchanged apart from the Markdown around them; ATT&CK texts have their \`(Citation: …)\` markers removed.

## MITRE ATT&CK (\`Use Cases/\`)

${ATTACK_COPYRIGHT}

Technique names, descriptions, detection strategies, mitigations and metadata come from Enterprise ATT&CK ${catalog.version} (STIX bundle from \`mitre/cti\`), used under the ATT&CK Terms of Use: https://attack.mitre.org/resources/legal-and-branding/terms-of-use/. MITRE ATT&CK and ATT&CK are registered trademarks of The MITRE Corporation.

## SigmaHQ rules (\`Detection Rules/\`)

The rules come from https://github.com/SigmaHQ/sigma (\`rules/\`, commit \`8eaafff1\`) and are licensed under the Detection Rule License (DRL) 1.1 (\`LICENSES/DRL-1.1.md\`, https://github.com/SigmaHQ/Detection-Rule-License). Each note embeds its rule unchanged, including the \`author\` field that names its authors; the note's file name is the rule's file name in that repository and its \`source_file\` property the rule's path there.

## Atomic Red Team (\`Testing Runbooks/\`)

The tests come from https://github.com/redcanaryco/atomic-red-team (\`atomics/\`, commit \`9f85cf3e\`), Copyright (c) 2018 Red Canary, Inc., licensed under the MIT License (\`LICENSES/atomic-red-team-MIT.txt\`).
`,
  );
  write(
    'README.md',
    `# Test vault

A small Use-Case-Catalogue style vault for trying the ATT&CK Coverage plugin and CLI: ${counts.techniques} technique notes in \`Use Cases/\` (T1059 with all its sub-techniques, a spread over the tactics, a revoked and a deprecated ID; the seed's \`dataview\` blocks, four with the later \`query\` blocks), ${counts.rules} SigmaHQ rule notes in \`Detection Rules/\` and ${counts.tests} Atomic Red Team notes in \`Testing Runbooks/\`. It is generated from the shared corpus by \`npx tsx scripts/make-test-vault.ts\`, which picks the content and imports it with the importers (\`attack-coverage import\`), so every note ends with the importer's marker line (ATT&CK ${catalog.version}); edit the script, not the notes. See \`NOTICE.md\` for attribution and licences.
`,
  );
}

function dirSize(p: string): number {
  const s = statSync(p);
  return s.isDirectory() ? readdirSync(p).reduce((n, e) => n + dirSize(path.join(p, e)), 0) : s.size;
}

async function main(): Promise<void> {
  if (!existsSync(CORPUS)) throw new Error(`the shared corpus is missing (expected at ${CORPUS})`);
  for (const g of GENERATED) rmSync(path.join(VAULT, g), { recursive: true, force: true });
  const counts = { techniques: await techniqueNotes(), rules: await ruleNotes(), tests: await testNotes() };
  hubNote();
  notices(counts);
  const size = GENERATED.reduce((n, g) => n + (existsSync(path.join(VAULT, g)) ? dirSize(path.join(VAULT, g)) : 0), 0);
  process.stdout.write(
    `test-vault: ${counts.techniques} technique notes, ${counts.rules} rule notes, ${counts.tests} test notes, ${(size / 1024 / 1024).toFixed(2)} MiB\n`,
  );
}

void main();
