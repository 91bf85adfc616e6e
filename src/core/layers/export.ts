/**
 * The matrix as an ATT&CK Navigator layer (format 4.5): one entry per technique and tactic, scored by
 * the chosen score, with a gradient (or, for the rules × tests state, a colour and legend per state),
 * a comment and metadata naming the rules and tests, and `obsidian://` links back to the notes.
 */
import {
  COVERAGE_STATES,
  LEVEL_WEIGHTS,
  SCORE_LABELS,
  STATE_LABELS,
  STATE_SCORE,
  scoreOf,
  type CoverageState,
  type MatrixCell,
  type MatrixModel,
  type ScoreKind,
} from '../matrix';
import { atomicTestTotal } from '../coverage-index';
import { overlayEntryUnder, type LayerOverlay } from './import';
import { LAYER_FORMAT, NAVIGATOR_VERSION, type Divider, type Layer, type LayerTechnique, type LinkItem, type MetadataItem } from './types';
import { plural } from '../words';

/** Navigator's own default spectrum, low → high. */
export const GRADIENT_COLORS = ['#ff6666', '#ffe766', '#8ec843'];

/** Hex colours of the states in a layer (Navigator cannot use theme variables). */
export const STATE_COLORS: Readonly<Record<CoverageState, string>> = {
  'covered-tested': '#8ec843',
  'covered-untested': '#ffb000',
  'tested-undetected': '#ff6666',
  neither: '#dddddd',
};

/** Colour of "in the overlay layer but undetected" entries when a comparison is exported. */
export const UNDETECTED_COLOR = '#b60000';

export interface ExportOptions {
  score?: ScoreKind;
  name?: string;
  description?: string;
  /** Obsidian vault name: when set, entries link back to their notes with `obsidian://open` URLs. */
  vaultName?: string;
  /** Per entry, at most this many rules and tests are named in metadata and links (default 50). */
  maxItems?: number;
  /** Compare with an imported layer: entries note its score, undetected ones are coloured. */
  overlay?: LayerOverlay | null;
  /** Stamp for the description (default: none, so output is reproducible). */
  generated?: string;
}

/** `obsidian://open?vault=…&file=…` for a vault-relative note path. */
export function obsidianUrl(vault: string, path: string): string {
  return `obsidian://open?vault=${encodeURIComponent(vault)}&file=${encodeURIComponent(path.replace(/\.md$/i, ''))}`;
}


/** "3 rules (1 rolled up), level score 20, 4 atomic tests in 1 note; covered, untested". */
export function cellSummary(c: MatrixCell): string {
  const parts: string[] = [];
  const extra: string[] = [];
  if (c.rolledUpRules) extra.push(`${c.rolledUpRules} from sub-techniques`);
  if (c.successorRules && c.successor) extra.push(`${c.successorRules} filed under ${c.successor}`);
  parts.push(`${plural(c.rules.length, 'rule')}${extra.length ? ` (${extra.join(', ')})` : ''}`);
  parts.push(`level score ${c.levelScore}`);
  parts.push(`${plural(c.testCount, 'atomic test')}${c.tests.length ? ` in ${plural(c.tests.length, 'note')}` : ''}`);
  return `${parts.join(', ')}; ${STATE_LABELS[c.state].toLowerCase()}`;
}

/** The layer entry of a cell under one tactic: an overlay entry scoped to other tactics does not apply there. */
function entryFor(c: MatrixCell, kind: ScoreKind, o: ExportOptions, showSubs: boolean, tactic: string): LayerTechnique {
  const max = o.maxItems ?? 50;
  const metadata: Array<MetadataItem | Divider> = [
    { name: 'Rules', value: String(c.rules.length) },
    { name: 'Level score', value: String(c.levelScore) },
    { name: 'Atomic tests', value: String(c.testCount) },
    { name: 'State', value: STATE_LABELS[c.state] },
  ];
  if (c.rules.length) {
    metadata.push({ divider: true });
    for (const r of c.rules.slice(0, max)) {
      const facts = [r.level, r.status, r.vendor].filter(Boolean).join(', ');
      metadata.push({ name: r.via ? `Rule (${r.via})` : 'Rule', value: `${r.title}${facts ? ` [${facts}]` : ''}` });
    }
    if (c.rules.length > max) metadata.push({ name: 'Rule', value: `… ${c.rules.length - max} more` });
  }
  if (c.tests.length) {
    metadata.push({ divider: true });
    for (const t of c.tests.slice(0, max)) metadata.push({ name: t.via ? `Test (${t.via})` : 'Test', value: `${t.title} (${plural(atomicTestTotal([t]), 'test')})` });
    if (c.tests.length > max) metadata.push({ name: 'Test', value: `… ${c.tests.length - max} more` });
  }
  const ov = overlayEntryUnder(o.overlay, c.id, tactic);
  if (o.overlay && ov) {
    metadata.push({ divider: true });
    metadata.push({ name: `In layer "${o.overlay.name}"`, value: ov.score !== undefined ? `score ${ov.score}` : 'annotated' });
  }
  const links: Array<LinkItem | Divider> = [];
  if (o.vaultName) {
    const vault = o.vaultName;
    if (c.notePath) links.push({ label: `Note: ${c.id} ${c.name}`, url: obsidianUrl(vault, c.notePath) });
    const items = [...c.rules.map((r) => ({ label: `Rule: ${r.title}`, path: r.path })), ...c.tests.map((t) => ({ label: `Test: ${t.title}`, path: t.path }))];
    if (items.length && links.length) links.push({ divider: true });
    for (const it of items.slice(0, max)) links.push({ label: it.label, url: obsidianUrl(vault, it.path) });
  }
  const entry: LayerTechnique = {
    techniqueID: c.id,
    tactic,
    score: scoreOf(c, kind),
    comment: cellSummary(c),
    enabled: true,
    metadata,
  };
  if (links.length) entry.links = links;
  if (kind === 'state') entry.color = STATE_COLORS[c.state];
  if (o.overlay && ov && c.rules.length === 0) entry.color = UNDETECTED_COLOR;
  if (showSubs) entry.showSubtechniques = true;
  return entry;
}

/** The layer for a matrix. Deterministic for the same model and options. */
export function exportLayer(model: MatrixModel, o: ExportOptions = {}): Layer {
  const kind = o.score ?? 'rules';
  const techniques: LayerTechnique[] = [];
  let max = 0;
  for (const col of model.columns()) {
    if (!col.tactic) continue; // IDs outside the matrix: Navigator would not show them
    const tactic = col.tactic.shortname;
    for (const id of col.techniques) {
      const cell = model.cell(id);
      if (!cell) continue;
      const subs = cell.subtechniques.map((s) => model.cell(s)).filter((s): s is MatrixCell => !!s);
      const showSubs = subs.some((s) => scoreOf(s, kind) > 0 || !!overlayEntryUnder(o.overlay, s.id, tactic));
      techniques.push(entryFor(cell, kind, o, showSubs, tactic));
      max = Math.max(max, scoreOf(cell, kind));
      for (const s of subs) {
        techniques.push(entryFor(s, kind, o, false, tactic));
        max = Math.max(max, scoreOf(s, kind));
      }
    }
  }
  const scoreText: Record<ScoreKind, string> = {
    rules: 'number of rule notes',
    level: `sum of rule level weights (${Object.entries(LEVEL_WEIGHTS).map(([k, v]) => `${k} ${v}`).join(', ')})`,
    tests: 'number of atomic tests',
    state: `rules × tests: ${COVERAGE_STATES.map((s) => `${STATE_LABELS[s].toLowerCase()} ${STATE_SCORE[s]}`).join(', ')}`,
  };
  const outside = model.columns().find((c) => !c.tactic)?.techniques.length ?? 0;
  const metadata: Array<MetadataItem | Divider> = [
    { name: 'Generated by', value: 'attack-coverage' },
    { name: 'ATT&CK', value: model.attackVersion || 'unknown' },
    { name: 'Score', value: `${SCORE_LABELS[kind]}: ${scoreText[kind]}${model.rollUp ? '; parents include their sub-techniques' : ''}` },
  ];
  const f = model.filters;
  const filterText = (['platforms', 'vendor', 'status', 'level', 'product', 'tactics'] as const)
    .filter((k) => f[k].length)
    .map((k) => `${k}: ${f[k].join(', ')}`)
    .join('; ');
  if (filterText) metadata.push({ name: 'Filters', value: filterText });
  if (outside) metadata.push({ name: 'Outside the matrix', value: `${plural(outside, 'ID')} used by notes are not active in this release (see the gaps report)` });
  if (o.vaultName) metadata.push({ name: 'Vault', value: o.vaultName });
  if (o.overlay) metadata.push({ name: 'Compared with', value: o.overlay.name });

  const attackMajor = /^\d+/.exec(model.attackVersion ?? '')?.[0];
  const layer: Layer = {
    name: o.name ?? (o.vaultName ? `ATT&CK coverage: ${o.vaultName}` : 'ATT&CK coverage'),
    // The major release only ("18", not "18.1"), as MITRE's, Atomic Red Team's and the spec's own layers write it:
    // Navigator keys its ATT&CK data by that number.
    versions: { ...(attackMajor ? { attack: attackMajor } : {}), navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT },
    domain: 'enterprise-attack',
    description:
      o.description ??
      `Detection coverage from an Obsidian vault, scored by ${SCORE_LABELS[kind].toLowerCase()}${o.generated ? `; generated ${o.generated}` : ''}.`,
    filters: { platforms: f.platforms.length ? model.platforms().filter((p) => f.platforms.includes(p.toLowerCase())) : model.platforms() },
    sorting: 0,
    layout: {
      layout: 'side',
      showID: false,
      showName: true,
      showAggregateScores: false,
      countUnscored: false,
      aggregateFunction: 'average',
      expandedSubtechniques: 'annotated',
    },
    hideDisabled: false,
    techniques,
    gradient: kind === 'state' ? { colors: [STATE_COLORS.neither, STATE_COLORS['covered-tested']], minValue: 0, maxValue: 3 } : { colors: GRADIENT_COLORS, minValue: 0, maxValue: Math.max(1, max) },
    legendItems:
      kind === 'state' ? COVERAGE_STATES.map((s) => ({ label: STATE_LABELS[s], color: STATE_COLORS[s] })) : [],
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
    metadata,
  };
  if (o.overlay) layer.legendItems = [...(layer.legendItems ?? []), { label: `In "${o.overlay.name}", undetected`, color: UNDETECTED_COLOR }];
  if (o.vaultName) layer.links = [{ label: 'Open the vault', url: `obsidian://open?vault=${encodeURIComponent(o.vaultName)}` }];
  return layer;
}
