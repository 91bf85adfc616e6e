import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { RuleAnalysisStore } from '../../core/analytics/rule-store';
import { techniqueAnalytics, type IndicatorRow, type TechniqueAnalytics } from '../../core/analytics/technique-analytics';
import { DetailsCatalog } from '../../core/attack/details';
import { parseBareId } from '../../core/ids';
import { opLabel } from '../../ui/analytics';
import { json, load, out, parseLimit, rollupOption } from '../io';
import { VaultError } from '../vault';
import { parseYamlCore } from '../yaml';

/**
 * The committed ATT&CK details, inflated with Node's zlib (the plugin uses DecompressionStream). Loaded
 * when asked for: the packed text is a large share of the CLI, and other commands never read it.
 */
export async function cliDetails(): Promise<DetailsCatalog> {
  const { DETAILS_GZIP_BASE64 } = await import('../../core/attack/details-packed');
  return DetailsCatalog.fromJson(gunzipSync(Buffer.from(DETAILS_GZIP_BASE64, 'base64')).toString('utf8'));
}

/** Multi-paragraph ATT&CK text on one output line (a raw line break would print as an escaped \n). */
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

const n = (x: number, w: string, ws = `${w}s`): string => `${x} ${x === 1 ? w : ws}`;

function rows<T>(list: readonly T[], limit: number, line: (x: T) => string): void {
  for (const x of list.slice(0, limit)) out(`    ${line(x)}`);
  if (list.length > limit) out(`    … ${list.length - limit} more (--limit ${list.length} to list all)`);
}

const indicator = (r: IndicatorRow): string =>
  `${r.field || '(keyword)'} ${opLabel(r.op)} ${JSON.stringify(r.value)}  here ${r.rules}  reach ${r.uniqueHere ? '-' : r.reach}`;

/** What an ID that is not an active technique of the catalog release stands for, e.g. "revoked in ATT&CK 18.1: use T1059.001". */
function standing(a: TechniqueAnalytics): string {
  const release = `ATT&CK ${a.catalogVersion}`;
  switch (a.status) {
    case 'active':
      return '';
    case 'revoked':
      return `revoked in ${release}${a.replacement ? `: use ${a.replacement}` : ''}`;
    case 'deprecated':
      return `deprecated in ${release}`;
    case 'newer':
      return `from the next ATT&CK release (not in ${release})`;
    default:
      return `not in ${release}`;
  }
}

export function printAnalytics(a: TechniqueAnalytics, limit: number): void {
  out(`${a.id}${a.name ? ` ${a.name}` : ''}`);
  const st = standing(a);
  if (st) out(`  ${st.charAt(0).toUpperCase()}${st.slice(1)}`);
  const from = [a.rolledUp ? `${a.rolledUp} from sub-techniques` : '', a.successorRules ? `${a.successorRules} filed under its successor ${a.successor ?? ''}` : ''].filter(Boolean);
  out(`  ${n(a.rules, 'rule')}${from.length ? ` (${from.join('; ')})` : ''}, ${a.parsedRules} parsed; corpus reach over ${n(a.corpusRules, 'rule note')}`);
  out(`  Events covered (${a.events.filter((e) => !e.alternative).length})`);
  rows(a.events, limit, (e) => `${e.provider} ${e.eventId}  ${e.title || '-'}${e.alternative ? '  (equivalent event)' : ''}  [${n(e.rules, 'rule')}]`);
  const g = a.guide;
  out(`  Fields filtered most (${g.fields.length})`);
  rows(g.fields, limit, (f) => `${f.field}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}  ${n(f.rules, 'rule')}  ${f.ops.map((o) => `${opLabel(o.op)} ${o.rules}`).join(', ')}  e.g. ${f.samples.map((s) => JSON.stringify(s)).join(', ')}`);
  out(`  Top indicator values (${g.indicators.length}; reach "-" = only under this technique)`);
  rows(g.indicators, limit, indicator);
  out(`  What the rules exclude (${g.exclusions.length})`);
  rows(g.exclusions, limit, indicator);
  if (a.unparsed.length) {
    out(`  Not fully understood (${a.unparsed.length})`);
    rows(a.unparsed, limit, (u) => `${u.state}  ${u.title}: ${u.problems.slice(0, 2).join('; ')}`);
  }
  out('  Rules by vendor and package (package: ID: name: description)');
  for (const v of a.vendors) {
    out(`    ${v.label} (${v.rules})`);
    for (const p of v.packages) {
      for (const r of p.rules.slice(0, limit)) out(`      ${[p.package || '(root)', r.ruleId || '-', r.title, r.description].filter((x, i) => i < 3 || x).join(': ')}`);
      if (p.rules.length > limit) out(`      … ${p.rules.length - limit} more in ${p.package}`);
    }
  }
  const ctx = a.attack;
  if (!ctx) {
    out('  ATT&CK context: none for this technique');
    return;
  }
  out(`  Mitigations (ATT&CK ${ctx.version}: ${ctx.mitigations.length})`);
  rows(ctx.mitigations, limit, (m) => `${m.id} ${m.name}: ${oneLine(m.how)}`);
  out(`  Detection strategies (ATT&CK ${ctx.version})`);
  for (const s of ctx.strategies) {
    out(`    ${s.id} ${s.name}`);
    for (const an of s.analytics) {
      out(`      ${an.id} [${an.platforms.join(', ')}] ${an.logSources.map((l) => `${l.name} ${l.channel}`).join('; ')}`);
      if (an.mutable.length) out(`        tunable: ${an.mutable.map((m) => m.field).join(', ')}`);
    }
  }
  if (a.gap) {
    out(`  Expected events no rule reads (${a.gap.missing.length} of ${a.gap.expected.length})`);
    rows(a.gap.missing, limit, (e) => `${e.provider} ${e.eventId}  ${e.title || '-'}  (${e.analytics.join(', ')})`);
  }
  if (ctx.dataComponents.length) {
    out(`  Data sources and components (ATT&CK v${ctx.legacyVersion ?? ctx.version})`);
    rows(ctx.dataComponents, limit, (c) => `${c.dataSourceId ? `${c.dataSourceId} ` : ''}${c.dataSource ? `${c.dataSource}: ` : ''}${c.name}: ${oneLine(c.text)}`);
  }
}

export function registerAnalytics(program: Command): void {
  program
    .command('analytics')
    .description('one technique\'s detection analytics: events covered, authoring guide with corpus reach, rules by package, ATT&CK mitigations and detection gap')
    .argument('<vault>', 'vault folder')
    .argument('<id>', 'technique ID, e.g. T1059.006')
    .option('--json', 'machine-readable output (the TechniqueAnalytics data the panel renders)')
    .addOption(rollupOption(true))
    .addOption(rollupOption(false))
    .option('--limit <n>', 'rows per list in the text output', '20')
    .action(async (vault: string, raw: string, opts: { json?: boolean; rollup?: boolean; limit: string }) => {
      const id = parseBareId(raw.replace(/^#/, '').replace(/^attack\./i, ''));
      if (!id) throw new VaultError(`"${raw}" is not a technique ID (expected T1234 or T1234.567)`);
      const limit = parseLimit(opts.limit);
      const { index, sources } = load(vault, { rollUp: opts.rollup });
      const readText = (p: string): string | undefined => {
        const kept = sources.get(p)?.text;
        if (kept !== undefined) return kept;
        try {
          return readFileSync(join(vault, p), 'utf8');
        } catch {
          return undefined;
        }
      };
      const store = new RuleAnalysisStore(index, { parseYaml: parseYamlCore, readText });
      const data = techniqueAnalytics(index, id, { store, details: await cliDetails() });
      store.dispose();
      if (opts.json) json(data);
      else printAnalytics(data, limit);
    });
}
