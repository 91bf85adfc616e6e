/**
 * Technique notes in the Use-Case-Catalogue format (domain.md §1.1, seed 004), byte for byte including
 * its generator's quirks, because real vaults look like this and the parser must meet them as they are.
 */
import type { Catalog, TechniqueInfo } from '../attack/catalog';
import { withoutCitations } from '../attack/stix';
import { closeOpenFence, fenced, oneLine, tableCell, yamlQuote } from './markdown';
import { techniqueFileName } from './names';

/** One analytic of an ATT&CK v18+ detection strategy, as the note shows it. */
export interface AnalyticText {
  id: string; // AN0172
  platforms: string[];
  description: string;
  /** `Process Creation: WinEventLog:Sysmon (EventCode=1)`: data component, log source name and channel. */
  logSources: string[];
}

/** An ATT&CK v18+ detection strategy (DET####) that detects the technique. */
export interface DetectionStrategyText {
  id: string; // DET0063
  name: string;
  url: string;
  analytics: AnalyticText[];
}

/** A mitigation (M####) with the text of its `mitigates` relationship to this technique. */
export interface MitigationText {
  id: string;
  name: string;
  url: string;
  text: string;
}

export interface TechniqueNoteOptions {
  /** Resolves the parent's name (display name) and tactic display names. */
  catalog: Pick<Catalog, 'displayName' | 'tactic'>;
  /** Texts the compact catalog does not keep: take them from the STIX bundle (see `stixText`). */
  description?: string;
  detection?: string;
  defensesBypassed?: string[];
  dataSources?: string[];
  /** ATT&CK v18+ detection strategies with their analytics (shown instead of, or after, data sources). */
  detectionStrategies?: DetectionStrategyText[];
  mitigations?: MitigationText[];
  /** Active sub-techniques of a parent technique, listed with links to their notes. */
  subtechniques?: Pick<TechniqueInfo, 'id' | 'name'>[];
  /**
   * `dataview` (vault commit faf29d2, the seed), the later core `query` blocks (HEAD), or this plugin's
   * `attack-coverage` blocks, which list the same rules and tests without Dataview.
   */
  blocks?: 'dataview' | 'query' | 'coverage';
  /**
   * `seed` reproduces the Perl generator's tactic tag (`Defense_Evasion,_Privilege_Escalation`);
   * `clean` gives one tag per tactic (`Defense_Evasion`, `Privilege_Escalation`).
   */
  tacticTags?: 'seed' | 'clean';
  rulesFolder?: string;
  testsFolder?: string;
  /**
   * The name of the note of technique `id` as it is in the vault, when known: an imported note keeps its
   * path when ATT&CK renames the technique, so links built from the new name would lead nowhere.
   */
  noteName?: (id: string) => string | undefined;
}

/** STIX Markdown to note text: drops `(Citation: …)` markers (as the details panel does) and trims. */
export function stixText(s: string | undefined): string {
  return withoutCitations(s ?? '').trim();
}

/** `T1059.006` → `T1059_006`: the tag form (tags cannot contain dots). */
export const techniqueTag = (id: string): string => id.replace(/\./g, '_');

function blocks(id: string, tag: string, o: TechniqueNoteOptions): [string, string] {
  if (o.blocks === 'coverage') {
    return [fenced(`technique: ${id}\nshow: rules`, 'attack-coverage'), fenced(`technique: ${id}\nshow: tests`, 'attack-coverage')];
  }
  if (o.blocks === 'query') {
    return [fenced(`tag: detection_rule\ntag: ${tag}`, 'query'), fenced(`tag: atomic_test\ntag: ${tag}`, 'query')];
  }
  const rules = [
    'table without id',
    'file.link AS "Name",',
    'status AS "Status",',
    'level AS "Level",',
    'logsrc_product AS "Log Source Product"',
    `FROM "${o.rulesFolder ?? 'Detection Rules'}" AND #${tag}`,
  ].join('\n');
  const tests = ['TABLE without id', 'filename AS "Name"', `FROM "${o.testsFolder ?? 'Testing Runbooks'}" AND #${tag}`].join('\n');
  return [fenced(rules, 'dataview'), fenced(tests, 'dataview')];
}

/** Link display text cannot hold `|`, `[` or `]`. */
const linkText = (s: string): string => oneLine(s).replace(/[|[\]]/g, ' ').replace(/\s+/g, ' ').trim();

/** `[[note|T#### text]]`: the note of technique `id`, whose display name is `name`. */
const techniqueLink = (id: string, name: string, text: string, opts: TechniqueNoteOptions): string =>
  `[[${opts.noteName?.(id) ?? techniqueFileName(id, name)}|${id} ${linkText(text)}]]`;

/** Revoked / deprecated callout, with a link to the replacement's note when there is one. */
function statusLines(t: TechniqueInfo, opts: TechniqueNoteOptions): string[] {
  if (!t.revoked && !t.deprecated) return [];
  const by = t.revokedBy;
  const byName = by ? opts.catalog.displayName(by) : undefined;
  const link = by ? (byName ? techniqueLink(by, byName, byName, opts) : by) : '';
  const text = t.revoked
    ? `> [!warning] Revoked\n> ATT&CK revoked ${t.id}.${link ? ` Use ${link} instead.` : ''}`
    : `> [!warning] Deprecated\n> ATT&CK deprecated ${t.id}; it is kept for reference only.${link ? ` See ${link}.` : ''}`;
  return [text, ''];
}

function strategyLines(list: DetectionStrategyText[]): string[] {
  const out = ['### Detection Strategies', ''];
  for (const d of list) {
    out.push(`#### [${d.id}](${d.url}) ${oneLine(d.name)}`, '');
    if (d.analytics.length === 0) continue;
    out.push('| Analytic | Platforms | Log sources | Description |', '|---|---|---|---|');
    for (const a of d.analytics) {
      out.push(`| ${tableCell(a.id)} | ${tableCell(a.platforms.join(', '))} | ${a.logSources.map(tableCell).join('<br>')} | ${tableCell(stixText(a.description))} |`);
    }
    out.push('');
  }
  return out;
}

function subtechniqueLines(list: Pick<TechniqueInfo, 'id' | 'name'>[], opts: TechniqueNoteOptions): string[] {
  return [
    '### Sub-techniques',
    '',
    ...list.map((s) => `- ${techniqueLink(s.id, opts.catalog.displayName(s.id) ?? s.name, s.name, opts)}`),
    '',
  ];
}

function mitigationLines(list: MitigationText[]): string[] {
  return [
    '### Mitigations',
    '',
    '| ID | Mitigation | Description |',
    '|---|---|---|',
    ...list.map((m) => `| [${m.id}](${m.url}) | ${tableCell(oneLine(m.name))} | ${tableCell(stixText(m.text))} |`),
    '',
  ];
}

// Text YAML would not read back as the same plain string: control characters, a leading indicator,
// `: ` or ` #` inside, or a trailing colon or space. ATT&CK's own values never have them.
const NOT_PLAIN = /[\p{Cc}\u2028\u2029]|^[\s\-?:,[\]{}#&*!|>'"%@`]|: |\s#|:$|\s$/u;

/** A frontmatter value as the seed writes it (plain), quoted only when YAML would misread it. */
const plain = (s: string): string => (NOT_PLAIN.test(s) ? yamlQuote(s) : s);

/** An item of the `tags: [...]` flow list: as plain as the seed's, quoted when it would break the list. */
const flowItem = (s: string): string => (NOT_PLAIN.test(s) || /[[\]{}]/.test(s) ? yamlQuote(s) : s);

export function techniqueNote(t: TechniqueInfo, opts: TechniqueNoteOptions): string {
  const tag = techniqueTag(t.id);
  const tacticNames = t.tactics.map((s) => opts.catalog.tactic(s)?.name ?? s);
  const tactics = tacticNames.join(', ');
  // The Perl generator replaced spaces in the whole tactics string, so two tactics become one odd tag:
  // `Defense_Evasion,_Privilege_Escalation` (YAML then splits it at the comma). Reproduced on purpose.
  const tacticTags = opts.tacticTags === 'clean' ? tacticNames.map((n) => n.replace(/ /g, '_')) : tactics ? [tactics.replace(/ /g, '_')] : [];
  // Data sources came from one comma-joined cell split on ',', leaving a space on all but the first.
  const dataSources = (opts.dataSources ?? []).map((d, i) => `  - ${i > 0 ? ' ' : ''}${oneLine(d)}`).join('\n');
  const [ruleBlock, testBlock] = blocks(t.id, tag, opts);
  // Names and list items stay on their line, whatever a bundle holds: a line break would start Markdown of its own.
  const heading = oneLine(opts.catalog.displayName(t.id) ?? t.name).replace(/:/g, '-');
  const flags = [
    ...(t.revoked ? ['revoked: true'] : []),
    ...(t.revokedBy ? [`revoked_by: ${t.revokedBy}`] : []),
    ...(t.deprecated ? ['deprecated: true'] : []),
  ];
  const strategies = opts.detectionStrategies?.length ? strategyLines(opts.detectionStrategies) : [];
  const mitigations = opts.mitigations?.length ? mitigationLines(opts.mitigations) : [];
  // v18+ bundles have no data sources: the detection strategies take the section's place.
  const showDataSources = !strategies.length || (opts.dataSources?.length ?? 0) > 0;
  const subs = opts.subtechniques?.length ? subtechniqueLines(opts.subtechniques, opts) : [];
  const extra = [...subs, ...strategies, ...mitigations];
  // ATT&CK v18 deprecated the detection text and defenses bypassed: no empty seed sections for them.
  const v18Only = strategies.length > 0 && !(opts.dataSources?.length ?? 0);
  return [
    '---',
    `created: ${plain(t.created)}`,
    `last_modified: ${plain(t.modified)}`,
    `version: ${plain(t.version)}`,
    `tactics: ${plain(tactics)}`,
    `url: ${plain(t.url)}`,
    `platforms: ${plain(t.platforms.join(', '))}`,
    `tags: [${[tag, 'techniques', ...tacticTags].map(flowItem).join(', ')}]`,
    ...flags,
    '---',
    '',
    `## ${heading}`,
    '',
    ...statusLines(t, opts),
    '### Description',
    '',
    closeOpenFence(stixText(opts.description)),
    '',
    ...(v18Only && !stixText(opts.detection) ? [] : ['### Detection', '', closeOpenFence(stixText(opts.detection)), '']),
    ...(v18Only && !opts.defensesBypassed?.length ? [] : ['### Defenses Bypassed', '', (opts.defensesBypassed ?? []).map(oneLine).join(', '), '']),
    ...(showDataSources ? ['### Data Sources', ''] : []),
    // No blank line before the next heading: the generator's own layout.
    `${dataSources}${dataSources ? '\n' : ''}${extra.length ? `${extra.join('\n')}\n` : ''}### Detection Rule`,
    '',
    ruleBlock,
    '',
    '### Rule Testing',
    '',
    testBlock,
    '',
  ].join('\n');
}
