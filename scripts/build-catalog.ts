/**
 * Digest an Enterprise ATT&CK STIX bundle into src/core/attack/catalog.json (committed, bundled into the plugin).
 *
 *   npx tsx scripts/build-catalog.ts [bundle.json] [--version 18.1]
 *
 * Default bundle: ../shared/corpus/attack/enterprise-attack-18.1.json (relative to the project root).
 * The v18 → v19 remap rows come from ../shared/corpus/attack/v19-partial/elastic-attack_v18_to_v19.yaml,
 * and the v19.1 techniques 18.1 does not have from ../shared/corpus/attack/v19-partial/dettect-techniques-19.1.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { digestStix, type CatalogData, type NextRelease, type RemapTable } from '../src/core/attack/stix';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus/attack');
const OUT = path.join(ROOT, 'src/core/attack/catalog.json');
const REMAPS = path.join(CORPUS, 'v19-partial/elastic-attack_v18_to_v19.yaml');
const NEXT = path.join(CORPUS, 'v19-partial/dettect-techniques-19.1.json');

interface RemapRow {
  id?: string;
  name?: string;
}

const scalar = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** Explicit rows only: Elastic says they follow MITRE revoked-by links. Name-guessed targets stay out (unverified). */
function readRemaps(file: string): RemapTable | undefined {
  if (!existsSync(file)) return undefined;
  const doc = load(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const techniques: RemapTable['techniques'] = {};
  for (const section of ['techniques', 'subtechniques']) {
    for (const [from, row] of Object.entries((doc[section] ?? {}) as Record<string, RemapRow | null>)) {
      if (row?.id) techniques[from] = { id: row.id, name: row.name ?? '' }; // null = dropped, no target
    }
  }
  const sorted = Object.fromEntries(Object.keys(techniques).sort().map((k) => [k, techniques[k] as { id: string; name: string }]));
  return {
    from: scalar(doc.source_version),
    to: scalar(doc.target_version),
    source:
      'elastic/detection-rules detection_rules/etc/attack-version-maps/attack_v18_to_v19.yaml (Elastic License 2.0): ' +
      'its explicit technique and sub-technique rows, which follow MITRE revoked-by links. ' +
      'Other retired v18 IDs whose v19 target is only guessed from names are left out.',
    techniques: sorted,
  };
}

/** The Enterprise techniques of DeTT&CT's v19.1 list that `known` (this release's IDs) does not have. */
function readNext(file: string, known: ReadonlySet<string>): NextRelease | undefined {
  if (!existsSync(file)) return undefined;
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Array<{ technique_id?: string; technique_name?: string }>>;
  const techniques: Record<string, string> = {};
  for (const t of doc['ATT&CK-Enterprise'] ?? []) {
    if (t.technique_id && t.technique_name && !known.has(t.technique_id)) techniques[t.technique_id] = t.technique_name;
  }
  return {
    version: /techniques-(\d+(?:\.\d+)*)\.json$/.exec(file)?.[1] ?? '',
    source:
      "rabobank-cdc/DeTTECT editor/src/data/techniques.json (GPL-3.0), Enterprise entries: the IDs and names of ATT&CK's " +
      'next-release techniques (ATT&CK © The MITRE Corporation); no tactics, so they are named but not placed in the matrix.',
    techniques: Object.fromEntries(Object.keys(techniques).sort().map((k) => [k, techniques[k] as string])),
  };
}

/** One array item per line: small, diffable, and stable for the same input. */
function format(data: CatalogData): string {
  const entries = Object.entries(data);
  const lines = ['{'];
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(value)) {
      lines.push(`  ${JSON.stringify(key)}: [`);
      value.forEach((item, j) => lines.push(`    ${JSON.stringify(item)}${j < value.length - 1 ? ',' : ''}`));
      lines.push(`  ]${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}`);
    }
  });
  lines.push('}', '');
  return lines.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const vi = args.indexOf('--version');
  const explicitVersion = vi >= 0 ? args.splice(vi, 2)[1] : undefined;
  const bundlePath = path.resolve(args[0] ?? path.join(CORPUS, 'enterprise-attack-18.1.json'));
  const base = path.basename(bundlePath);
  // The rebuilt corpus bundles lack the x-mitre-collection object, so the release falls back to the file name.
  const fromName = /attack-(\d+(?:\.\d+)*)\.json$/.exec(base)?.[1];

  const data = digestStix(JSON.parse(readFileSync(bundlePath, 'utf8')), { version: explicitVersion ?? fromName, source: base });
  if (!data.version) throw new Error(`no ATT&CK version in ${base}: pass --version`);
  const remaps = readRemaps(REMAPS);
  if (remaps) data.remaps = remaps;
  const next = readNext(NEXT, new Set(data.techniques.map((t) => t.id)));
  if (next) data.next = next;

  const text = format(data);
  writeFileSync(OUT, text);
  const inactive = data.techniques.filter((t) => t.revoked || t.deprecated).length;
  process.stdout.write(
    `${path.relative(ROOT, OUT)}: ATT&CK ${data.version}, ${data.tactics.length} tactics, ` +
      `${data.techniques.length - inactive} active + ${inactive} revoked/deprecated techniques, ` +
      `${Object.keys(remaps?.techniques ?? {}).length} remaps, ${Object.keys(next?.techniques ?? {}).length} next-release techniques, ` +
      `${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB\n`,
  );
}

main();
