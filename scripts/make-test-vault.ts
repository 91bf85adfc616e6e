/**
 * Generate test-vault/ in the Use-Case-Catalogue layout from the shared corpus:
 *
 *   npx tsx scripts/make-test-vault.ts
 *
 * Deterministic: the same corpus gives byte-identical files. Only the generated folders and files
 * listed in GENERATED are deleted and rewritten; anything else in test-vault/ (e.g. .obsidian/) is kept.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { defaultCatalog } from '../src/core/attack/catalog';
import { ATTACK_COPYRIGHT } from '../src/core/attack/stix';
import { atomicNote } from '../src/core/import/atomic-note';
import { safeFileName, techniqueFileName, uniquePath } from '../src/core/import/names';
import { sigmaRuleNote } from '../src/core/import/sigma-note';
import { techniqueNote, type TechniqueNoteOptions } from '../src/core/import/technique-note';

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

interface StixPattern {
  type?: string;
  description?: string;
  x_mitre_detection?: string;
  x_mitre_data_sources?: string[];
  x_mitre_defense_bypassed?: string[];
  external_references?: { source_name?: string; external_id?: string }[];
}

/** Attack-patterns of a bundle by technique ID: for the long texts the compact catalog leaves out. */
function patterns(file: string): Map<string, StixPattern> {
  const out = new Map<string, StixPattern>();
  if (!existsSync(file)) return out;
  for (const o of (JSON.parse(readFileSync(file, 'utf8')) as { objects: StixPattern[] }).objects) {
    const id = o.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id;
    if (o.type === 'attack-pattern' && id) out.set(id, o);
  }
  return out;
}

function techniqueNotes(): number {
  const v18 = patterns(path.join(CORPUS, 'attack/enterprise-attack-18.1.json'));
  // v18 deprecated the detection text and data sources; the Use-Case-Catalogue notes still show v17's.
  const v17 = patterns(path.join(CORPUS, 'attack/enterprise-attack-17.1.json'));
  for (const id of CHOSEN) {
    const t = catalog.get(id);
    if (!t) throw new Error(`${id} is not in ATT&CK ${catalog.version}`);
    const opts: TechniqueNoteOptions = {
      catalog,
      description: v18.get(id)?.description,
      detection: v17.get(id)?.x_mitre_detection,
      defensesBypassed: v17.get(id)?.x_mitre_defense_bypassed,
      dataSources: v17.get(id)?.x_mitre_data_sources,
      blocks: QUERY_VARIANT.has(id) ? 'query' : 'dataview',
    };
    write(`Use Cases/${techniqueFileName(id, catalog.displayName(id) ?? t.name)}.md`, techniqueNote(t, opts));
  }
  return CHOSEN.length;
}

const atomicFile = (id: string): string => path.join(CORPUS, `atomic-red-team/atomics/${id}/${id}.yaml`);

interface SigmaFile {
  file: string;
  text: string;
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

function ruleNotes(): number {
  const rules: SigmaFile[] = files(path.join(CORPUS, 'sigma/rules'), '.yml').map((file) => {
    const text = readFileSync(file, 'utf8');
    const rule = load(text) as Record<string, unknown>;
    const tags = Array.isArray(rule.tags) ? (rule.tags as string[]) : [];
    const techniques = tags.flatMap((t) => /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t)?.[1]?.toUpperCase() ?? []);
    return { file, text, rule, techniques };
  });
  rules.sort((a, b) => byName(path.basename(a.file), path.basename(b.file)));

  const keep = new Set<SigmaFile>();
  const perBucket = new Map<string, number>();
  for (const r of rules) {
    if (r.techniques.includes(ALWAYS_TAG) || ALWAYS_FILES.includes(path.basename(r.file))) keep.add(r);
    for (const b of new Set(r.techniques.flatMap(bucketsFor))) {
      const n = perBucket.get(b) ?? 0;
      if (n >= RULES_PER_TECHNIQUE) continue;
      perBucket.set(b, n + 1);
      keep.add(r);
    }
  }
  const taken = new Set<string>();
  for (const r of rules) {
    if (!keep.has(r)) continue;
    const name = safeFileName(path.basename(r.file).replace(/\.ya?ml$/, ''));
    write(uniquePath('Detection Rules', name, taken), sigmaRuleNote(r.text, r.rule));
  }
  return keep.size;
}

function testNotes(): number {
  const written = new Set<string>();
  for (const chosen of CHOSEN) {
    // Atomic Red Team also moved to v19 IDs: v18's T1562.001 tests now live under T1685.
    const id = [chosen, catalog.remap(chosen)?.id].find((x) => x && existsSync(atomicFile(x)));
    if (!id || written.has(id)) continue;
    written.add(id);
    const atomic = load(readFileSync(atomicFile(id), 'utf8')) as Record<string, unknown>;
    // Same basename as the technique note, as in the original vault: links must go by path.
    write(`Testing Runbooks/${techniqueFileName(id, String(atomic.display_name))}.md`, atomicNote(atomic));
  }
  return written.size;
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

Technique names, descriptions, detection texts and metadata come from Enterprise ATT&CK ${catalog.version} and 17.1 (STIX bundles from \`mitre/cti\`), used under the ATT&CK Terms of Use: https://attack.mitre.org/resources/legal-and-branding/terms-of-use/. MITRE ATT&CK and ATT&CK are registered trademarks of The MITRE Corporation.

## SigmaHQ rules (\`Detection Rules/\`)

The rules come from https://github.com/SigmaHQ/sigma (\`rules/\`, commit \`8eaafff1\`) and are licensed under the Detection Rule License (DRL) 1.1 (\`LICENSES/DRL-1.1.md\`, https://github.com/SigmaHQ/Detection-Rule-License). Each note embeds its rule unchanged, including the \`author\` field that names its authors; the note's file name is the rule's file name in that repository.

## Atomic Red Team (\`Testing Runbooks/\`)

The tests come from https://github.com/redcanaryco/atomic-red-team (\`atomics/\`, commit \`9f85cf3e\`), Copyright (c) 2018 Red Canary, Inc., licensed under the MIT License (\`LICENSES/atomic-red-team-MIT.txt\`).
`,
  );
  write(
    'README.md',
    `# Test vault

A small Use-Case-Catalogue style vault for trying the ATT&CK Coverage plugin and CLI: ${counts.techniques} technique notes in \`Use Cases/\` (T1059 with all its sub-techniques, a spread over the tactics, a revoked and a deprecated ID, four notes with the later \`query\` blocks), ${counts.rules} SigmaHQ rule notes in \`Detection Rules/\` and ${counts.tests} Atomic Red Team notes in \`Testing Runbooks/\`. It is generated from the shared corpus by \`npx tsx scripts/make-test-vault.ts\` (ATT&CK ${catalog.version}); edit the script, not the notes. See \`NOTICE.md\` for attribution and licences.
`,
  );
}

function dirSize(p: string): number {
  const s = statSync(p);
  return s.isDirectory() ? readdirSync(p).reduce((n, e) => n + dirSize(path.join(p, e)), 0) : s.size;
}

function main(): void {
  if (!existsSync(CORPUS)) throw new Error(`the shared corpus is missing (expected at ${CORPUS})`);
  for (const g of GENERATED) rmSync(path.join(VAULT, g), { recursive: true, force: true });
  const counts = { techniques: techniqueNotes(), rules: ruleNotes(), tests: testNotes() };
  hubNote();
  notices(counts);
  const size = GENERATED.reduce((n, g) => n + (existsSync(path.join(VAULT, g)) ? dirSize(path.join(VAULT, g)) : 0), 0);
  process.stdout.write(
    `test-vault: ${counts.techniques} technique notes, ${counts.rules} rule notes, ${counts.tests} test notes, ${(size / 1024 / 1024).toFixed(2)} MiB\n`,
  );
}

main();
