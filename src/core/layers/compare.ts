/**
 * The vault against an imported layer: what the layer marks that the vault does not detect (a threat
 * actor's techniques without rules, Sigma's heat map where this vault has nothing), what only the vault
 * covers, and the score difference technique by technique.
 */
import type { TechniqueId } from '../ids';
import { cellDisplayName, cellTotals, scoreOf, type CoverageState, type MatrixCell, type MatrixModel, type ScoreKind } from '../matrix';
import { plural } from '../words';
import { overlayEntryShown, type LayerOverlay } from './import';
import { byId } from '../text-order';

export interface CompareRow {
  id: TechniqueId;
  name: string;
  /** The layer's score (undefined: annotated without a score). */
  layerScore?: number;
  vaultScore: number;
  /** vaultScore − layerScore (layer's unscored entries count as 0). */
  difference: number;
  rules: number;
  tests: number;
  state: CoverageState;
  notePath: string | null;
  /** IDs the layer used when they were mapped onto this one (revoked or next-release IDs). */
  layerIds: TechniqueId[];
  /** The cells the row covers: this one, or several when a layer's ID marks more than one (a next-release ID and those it replaces). */
  cells: TechniqueId[];
}

export interface Comparison {
  layer: string;
  score: ScoreKind;
  /** Techniques the layer annotates that have a cell, each counted once (see compareWithLayer). */
  inLayer: number;
  /** In the layer, and no rule in the vault detects them. */
  undetected: CompareRow[];
  /** In the layer and detected. */
  detected: CompareRow[];
  /** Detected in the vault, absent from the layer (also as the IDs a revoked or next-release ID maps to). */
  vaultOnly: CompareRow[];
  /** Layer IDs with no cell in the matrix (unknown, filtered out, or under tactics the cell is not shown under). */
  unmatched: TechniqueId[];
  /** Every technique in the layer or detected by the vault, largest difference first. */
  differences: CompareRow[];
  /** What reading the layer found wrong or changed (spec problems, repeated entries, mapped IDs). */
  problems: string[];
}

/** One cell's row, or a row over several (rules and tests counted once) named `id`. */
function row(model: MatrixModel, cells: MatrixCell[], kind: ScoreKind, layerScore: number | undefined, layerIds: TechniqueId[], id?: TechniqueId): CompareRow {
  const first = cells[0] as MatrixCell;
  let cell = first;
  if (cells.length > 1) {
    const paths = new Set<string>();
    const rules = cells.flatMap((c) => c.rules).filter((r) => !paths.has(r.path) && !!paths.add(r.path));
    const tests = cells.flatMap((c) => c.tests).filter((t) => !paths.has(t.path) && !!paths.add(t.path));
    const own = id ? model.cell(id) : undefined;
    const name = own?.name ?? (id ? model.catalog.nextRelease(id)?.name : undefined) ?? first.name;
    // Without a cell of its own the row has no note: another cell's would link the row's ID to the wrong technique.
    cell = { ...(own ?? first), id: id ?? first.id, name, notePath: own?.notePath ?? null, rules, tests, ...cellTotals(rules, tests) };
  }
  const vaultScore = scoreOf(cell, kind);
  return {
    id: cell.id,
    // A sub-technique is named as ATT&CK names it: "Data Obfuscation: Protocol or Service Impersonation".
    name: cellDisplayName(cell, model.catalog),
    ...(layerScore !== undefined ? { layerScore } : {}),
    vaultScore,
    difference: vaultScore - (layerScore ?? 0),
    rules: cell.rules.length,
    tests: cell.testCount,
    state: cell.state,
    notePath: cell.notePath,
    layerIds,
    cells: cells.map((c) => c.id),
  };
}

/**
 * The layer IDs the matrix does not show, at most `limit` of them (then how many more, and `where` to see them): a layer with thousands of unknown IDs
 * (another domain's, a typo'd column) would otherwise make one unreadable line.
 */
export function unmatchedLine(c: Comparison, where = '', limit = 30): string {
  const shown = c.unmatched.slice(0, limit).join(', ');
  return c.unmatched.length > limit ? `${shown} and ${c.unmatched.length - limit} more${where}` : shown;
}

/** The comparison's figures in one line, as every output shows them. */
export function comparisonSummary(c: Comparison): string {
  return `Layer "${c.layer}": ${plural(c.inLayer, 'technique')}, ${c.detected.length} detected, ${c.undetected.length} undetected; ${plural(c.vaultOnly.length, 'detected technique')} not in the layer`;
}


/**
 * "In the layer" counts the layer's own techniques, not the cells they mark: each distinct ID the layer
 * annotates (enabled, scored above 0 or annotated otherwise; see import.ts) is one technique. A revoked ID
 * counts as its replacement, so a layer naming both counts it once; a next-release ID counts once however
 * many of this release's IDs it replaces. Its row covers every cell it lands on (its own, when notes name
 * it, and those it maps onto), detected when any of them has a rule. Cells count where the matrix draws
 * the entry (see overlayEntryShown); IDs landing on no such cell are `unmatched` and not counted: `inLayer`
 * is `detected.length + undetected.length`.
 */
export function compareWithLayer(model: MatrixModel, overlay: LayerOverlay, kind: ScoreKind = 'rules'): Comparison {
  const undetected: CompareRow[] = [];
  const detected: CompareRow[] = [];
  const vaultOnly: CompareRow[] = [];
  const unmatched: TechniqueId[] = [];
  // The layer's IDs grouped by the ID they count as, with every matrix ID they mark.
  const groups = new Map<TechniqueId, { marks: Set<TechniqueId>; layerIds: TechniqueId[] }>();
  for (const [layerId, to] of overlay.techniques) {
    const as = to[0] ?? layerId;
    const g = groups.get(as) ?? { marks: new Set<TechniqueId>(), layerIds: [] };
    for (const x of to) g.marks.add(x);
    g.layerIds.push(layerId);
    groups.set(as, g);
  }
  for (const [id, g] of groups) {
    const cells = [...g.marks].map((x) => model.cell(x)).filter((c): c is MatrixCell => !!c && !!overlayEntryShown(overlay, c));
    if (!cells.length) {
      unmatched.push(...g.layerIds);
      continue;
    }
    const scores = g.layerIds.map((x) => overlay.entries.get(x)?.score).filter((x): x is number => x !== undefined);
    const rowId = cells.length > 1 ? id : (cells[0] as MatrixCell).id;
    const r = row(model, cells, kind, scores.length ? Math.max(...scores) : undefined, g.layerIds.filter((x) => x !== rowId), id);
    (r.rules ? detected : undetected).push(r);
  }
  // A cell outside the matrix is in the layer when the layer has it as the IDs the comparison maps it to:
  // the replacement of a revoked ID, the IDs of this release a next-release ID replaces.
  const shown = (id: TechniqueId | undefined): boolean => {
    const c = id ? model.cell(id) : undefined;
    return !!c && !!overlayEntryShown(overlay, c);
  };
  const inLayer = (c: MatrixCell): boolean =>
    shown(c.id) || (!c.inMatrix && (shown(c.replacement) || model.catalog.remappedFrom(c.id).some(shown)));
  // With roll-up, a parent detected only through sub-techniques the layer has is not detected outside it:
  // its rules are already compared under those sub-techniques.
  const onlyThroughSubsInLayer = (c: MatrixCell): boolean =>
    c.rules.every((r) => r.via !== undefined && r.via.startsWith(`${c.id}.`) && inLayer(model.cell(r.via) ?? c));
  for (const cell of model.allCells()) {
    if (cell.rules.length && !inLayer(cell) && !onlyThroughSubsInLayer(cell)) vaultOnly.push(row(model, [cell], kind, undefined, []));
  }
  const differences = [...undetected, ...detected, ...vaultOnly].sort(
    (a, b) => Math.abs(b.difference) - Math.abs(a.difference) || byId(a, b),
  );
  return {
    layer: overlay.name,
    score: kind,
    inLayer: undetected.length + detected.length,
    undetected: undetected.sort(byId),
    detected: detected.sort(byId),
    vaultOnly: vaultOnly.sort(byId),
    unmatched: unmatched.sort(),
    differences,
    problems: [...overlay.problems],
  };
}
