/**
 * The vault against an imported layer: what the layer marks that the vault does not detect (a threat
 * actor's techniques without rules, Sigma's heat map where this vault has nothing), what only the vault
 * covers, and the score difference technique by technique.
 */
import type { TechniqueId } from '../ids';
import { scoreOf, type CoverageState, type MatrixCell, type MatrixModel, type ScoreKind } from '../matrix';
import type { LayerOverlay } from './import';

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
}

export interface Comparison {
  layer: string;
  score: ScoreKind;
  /** Techniques the layer annotates. */
  inLayer: number;
  /** In the layer, and no rule in the vault detects them. */
  undetected: CompareRow[];
  /** In the layer and detected. */
  detected: CompareRow[];
  /** Detected in the vault, absent from the layer. */
  vaultOnly: CompareRow[];
  /** Layer IDs with no cell in the matrix (unknown, or filtered out). */
  unmatched: TechniqueId[];
  /** Every technique in the layer or detected by the vault, largest difference first. */
  differences: CompareRow[];
  /** What reading the layer found wrong or changed (spec problems, repeated entries, mapped IDs). */
  problems: string[];
}

function row(model: MatrixModel, cell: MatrixCell, kind: ScoreKind, layerScore: number | undefined, layerIds: TechniqueId[]): CompareRow {
  const vaultScore = scoreOf(cell, kind);
  // A sub-technique is named as ATT&CK names it: "Data Obfuscation: Protocol or Service Impersonation".
  const parent = cell.parent ? model.cell(cell.parent)?.name : undefined;
  return {
    id: cell.id,
    name: parent ? `${parent}: ${cell.name}` : cell.name,
    ...(layerScore !== undefined ? { layerScore } : {}),
    vaultScore,
    difference: vaultScore - (layerScore ?? 0),
    rules: cell.rules.length,
    tests: cell.testCount,
    state: cell.state,
    notePath: cell.notePath,
    layerIds,
  };
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function compareWithLayer(model: MatrixModel, overlay: LayerOverlay, kind: ScoreKind = 'rules'): Comparison {
  const undetected: CompareRow[] = [];
  const detected: CompareRow[] = [];
  const vaultOnly: CompareRow[] = [];
  const unmatched: TechniqueId[] = [];
  // A next-release ID mapped onto this release's IDs has cells under those: not unmatched.
  const mappedOntoCells = new Set<TechniqueId>();
  for (const e of overlay.entries.values()) if (model.cell(e.id)) for (const x of e.layerIds) mappedOntoCells.add(x);
  for (const e of overlay.entries.values()) {
    const cell = model.cell(e.id);
    if (!cell) {
      if (!mappedOntoCells.has(e.id)) unmatched.push(e.id);
      continue;
    }
    (cell.rules.length ? detected : undetected).push(row(model, cell, kind, e.score, e.layerIds));
  }
  for (const cell of model.allCells()) {
    if (cell.rules.length && !overlay.entries.has(cell.id)) vaultOnly.push(row(model, cell, kind, undefined, []));
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
