/**
 * Reading Navigator layers back in as an overlay on the matrix: our own exports, sigma-cli's heat map,
 * Atomic Red Team's layers, threat-actor layers from attack.mitre.org. A file may hold one layer or an
 * array of them (merged into one overlay). Layers are checked against the 4.5 spec, but older formats
 * (sigma-cli still writes 4.4) are read with a warning rather than refused.
 *
 * A technique is "in the layer" when an enabled entry annotates it: a score above zero, or no score
 * and a colour, comment, metadata or links (threat-actor layers colour what a group uses).
 * IDs the catalog replaced are mapped: revoked → their replacement, next-release IDs (v19 T1685) → the
 * IDs of this release they replace, so a v19 layer lines up with a v18 matrix.
 */
import { isTechniqueId, type TechniqueId } from '../ids';
import { validateLayer } from './validate';

export interface OverlayEntry {
  id: TechniqueId;
  /** Highest score among the layer's entries for this technique (over tactics and merged layers). */
  score?: number;
  color?: string;
  comment?: string;
  /** The only tactics it is shown under (empty: all of the technique's tactics, as for an entry without a tactic). */
  tactics: string[];
  /** The ID the layer used, when it was mapped onto this one. */
  layerIds: TechniqueId[];
}

export interface LayerOverlay {
  name: string;
  description: string;
  domain: string;
  attackVersion?: string;
  layerFormat?: string;
  /** Techniques in the layer, keyed by the matrix's ID: every cell the layer marks. */
  entries: Map<TechniqueId, OverlayEntry>;
  /**
   * Each ID the layer itself annotates, with the matrix IDs it marks: first the one it is counted as (its
   * replacement when revoked, else itself), then the others (itself when revoked; those a next-release ID replaces).
   */
  techniques: Map<TechniqueId, TechniqueId[]>;
  maxScore: number;
  /** Entries present but not counted (disabled, score 0, nothing annotated). */
  ignored: number;
  /** Spec problems and mapping notes; import goes on regardless. */
  problems: string[];
}

/**
 * The layer's entry for a technique as shown under one tactic: Navigator draws an entry scoped to a
 * tactic only in that tactic's column. `tactic` is the column's shortname; null (a cell outside the
 * tactic columns) takes the entry whatever its tactics.
 */
export function overlayEntryUnder(overlay: LayerOverlay | null | undefined, id: TechniqueId, tactic: string | null): OverlayEntry | undefined {
  const e = overlay?.entries.get(id);
  if (!e || tactic === null || e.tactics.length === 0) return e;
  return e.tactics.some((t) => t.toLowerCase() === tactic.toLowerCase()) ? e : undefined;
}

/**
 * The layer's entry for a cell where the matrix draws it: under one of the cell's tactics, or in the
 * column outside the tactics. An entry scoped only to tactics the cell is not shown under (a tactic the
 * technique lacks, or one filtered out) marks it nowhere.
 */
export function overlayEntryShown(overlay: LayerOverlay | null | undefined, cell: { id: TechniqueId; tactics: readonly string[]; inMatrix: boolean }): OverlayEntry | undefined {
  if (!cell.inMatrix) return overlayEntryUnder(overlay, cell.id, null);
  for (const t of cell.tactics) {
    const e = overlayEntryUnder(overlay, cell.id, t);
    if (e) return e;
  }
  return undefined;
}

/** What the importer asks the catalog, to map IDs (optional: without it IDs are taken as they are). */
export interface OverlayCatalog {
  status(id: string): string;
  replacement(id: string): string | undefined;
  remappedFrom(id: string): string[];
  tactics?(id: string): string[] | undefined;
  hasSubtechniques?(id: string): boolean;
  /** Whether this release has the tactic (shortname): a next release's (v19 "stealth") it does not. */
  isTactic?(shortname: string): boolean;
}

export class LayerError extends Error {}

/** Spec problems listed per layer; the rest are counted. */
const MAX_PROBLEMS = 20;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function annotated(t: Record<string, unknown>): boolean {
  if (t.enabled === false) return false;
  if (typeof t.score === 'number' && Number.isFinite(t.score)) return t.score > 0;
  const nonEmpty = (v: unknown): boolean => (typeof v === 'string' ? v.trim() !== '' : Array.isArray(v) && v.length > 0);
  return nonEmpty(t.color) || nonEmpty(t.comment) || nonEmpty(t.metadata) || nonEmpty(t.links);
}

/**
 * Where a layer's ID lands in the matrix, the ID it is counted as first: itself; or its replacement, then
 * itself; or a next-release ID, then the IDs of this release it replaces.
 */
function targets(id: TechniqueId, catalog: OverlayCatalog | undefined): TechniqueId[] {
  if (!catalog) return [id];
  const status = catalog.status(id);
  if (status === 'active') return [id];
  if (status === 'unknown') return [id, ...catalog.remappedFrom(id)];
  const repl = catalog.replacement(id);
  return repl ? [repl, id] : [id];
}

/**
 * The tactic an entry is shown under in this release's matrix. A tactic the release does not have (a v19
 * layer's "stealth" or "defense-impairment"), or that an ID the entry was mapped onto lacks, cannot place
 * it: it shows under all of the technique's tactics, as an entry without one does.
 */
function tacticIn(target: TechniqueId, layerId: TechniqueId, tactic: string | undefined, catalog: OverlayCatalog | undefined): string | undefined {
  if (!tactic || !catalog) return tactic;
  if (catalog.isTactic && !catalog.isTactic(tactic)) return undefined;
  if (target !== layerId && catalog.tactics?.(target)?.includes(tactic) === false) return undefined;
  return tactic;
}

/** Adds a layer entry (`t`, for `layerId`) to the overlay's entry for `target`, under `tactic` (none: all tactics). */
function addEntry(o: LayerOverlay, target: TechniqueId, layerId: TechniqueId, t: Record<string, unknown>, tactic: string | undefined): void {
  const prev = o.entries.get(target);
  const e: OverlayEntry = prev ?? { id: target, tactics: [], layerIds: [] };
  if (typeof t.score === 'number' && Number.isFinite(t.score)) {
    e.score = Math.max(e.score ?? -Infinity, t.score);
    o.maxScore = Math.max(o.maxScore, t.score);
  }
  if (typeof t.color === 'string' && t.color && !e.color) e.color = t.color;
  if (typeof t.comment === 'string' && t.comment.trim()) {
    const c = t.comment.trim();
    if (!e.comment) e.comment = c;
    else if (!e.comment.includes(c)) e.comment += `\n${c}`;
  }
  // An entry without a tactic shows under every tactic, whatever other entries for the technique say.
  if (!tactic) e.tactics = [];
  else if ((!prev || e.tactics.length > 0) && !e.tactics.includes(tactic)) e.tactics.push(tactic);
  if (target !== layerId && !e.layerIds.includes(layerId)) e.layerIds.push(layerId);
  o.entries.set(target, e);
}

function emptyOverlay(name: string): LayerOverlay {
  return { name, description: '', domain: 'enterprise-attack', entries: new Map(), techniques: new Map(), maxScore: 0, ignored: 0, problems: [] };
}

/** One parsed layer object as an overlay. */
export function overlayFromLayer(layer: unknown, catalog?: OverlayCatalog): LayerOverlay {
  if (!isObj(layer)) throw new LayerError('a layer must be a JSON object');
  if (layer.techniques !== undefined && !Array.isArray(layer.techniques)) throw new LayerError('the layer\'s "techniques" is not a list');
  const name = typeof layer.name === 'string' && layer.name.trim() ? layer.name.trim() : 'Unnamed layer';
  const o = emptyOverlay(name);
  o.description = typeof layer.description === 'string' ? layer.description : '';
  o.domain = typeof layer.domain === 'string' ? layer.domain : '';
  const versions = isObj(layer.versions) ? layer.versions : {};
  if (typeof versions.attack === 'string') o.attackVersion = versions.attack;
  if (typeof versions.layer === 'string') o.layerFormat = versions.layer;
  const check = validateLayer(layer, {
    lenientVersion: true,
    catalog:
      catalog?.tactics && catalog.hasSubtechniques
        ? {
            tactics: (id) => catalog.tactics?.(id),
            hasSubtechniques: (id) => catalog.hasSubtechniques?.(id) ?? false,
            ...(catalog.isTactic ? { isTactic: (s: string) => catalog.isTactic?.(s) ?? true } : {}),
          }
        : undefined,
  });
  // A tactic the release lacks (v19's "stealth" in an ATT&CK 18 catalog) is said once, not per entry.
  const foreign = new Set<string>();
  for (const raw of Array.isArray(layer.techniques) ? (layer.techniques as unknown[]) : []) {
    if (isObj(raw) && typeof raw.tactic === 'string' && raw.tactic && catalog?.isTactic?.(raw.tactic) === false) foreign.add(raw.tactic);
  }
  const foreignTactics = [...foreign].map((t) => `tactic "${t}" is not in this ATT&CK release: its entries are shown under all of their technique's tactics`);
  const all = [...check.errors, ...foreignTactics, ...check.warnings];
  o.problems.push(...all.slice(0, MAX_PROBLEMS));
  if (all.length > MAX_PROBLEMS) o.problems.push(`… and ${all.length - MAX_PROBLEMS} more problems`);
  if (o.domain && o.domain !== 'enterprise-attack') o.problems.push(`the layer is for ${o.domain}; it is compared with the Enterprise matrix`);
  // Navigator applies the entries in order, each to the technique under its `tactic`, or without one under
  // every tactic the technique has: the last entry under a tactic decides it there, so a later disabled or
  // unscored entry hides an earlier one under that tactic (and an earlier one under all of them).
  const latest = new Map<string, { id: TechniqueId; raw: Record<string, unknown>; tactic?: string; everywhere?: boolean }>();
  const seen = new Set<string>();
  const repeats = new Map<string, number>();
  for (const raw of (layer.techniques as unknown[] | undefined) ?? []) {
    if (!isObj(raw) || typeof raw.techniqueID !== 'string') continue;
    const id = raw.techniqueID.trim().toUpperCase();
    if (!isTechniqueId(id)) continue; // reported by the validator
    const scoped = typeof raw.tactic === 'string' && raw.tactic ? raw.tactic : undefined;
    const key = scoped ? `${id} under "${scoped}"` : id;
    if (seen.has(key)) repeats.set(key, (repeats.get(key) ?? 1) + 1);
    seen.add(key);
    const under = scoped ? [scoped] : (catalog?.tactics?.(id) ?? []);
    if (!under.length) latest.set(id, { id, raw });
    for (const tactic of under) latest.set(`${id} ${tactic.toLowerCase()}`, { id, raw, tactic, everywhere: !scoped });
  }
  const repeated = [...repeats].map(([key, n]) => `${key} is listed ${n} times: the last entry is used, as in Navigator`);
  o.problems.push(...repeated.slice(0, MAX_PROBLEMS));
  if (repeated.length > MAX_PROBLEMS) o.problems.push(`… and ${repeated.length - MAX_PROBLEMS} more techniques listed more than once`);
  const mapped = new Map<TechniqueId, TechniqueId[]>();
  const ignored = new Set<Record<string, unknown>>();
  const everywhere = new Set<TechniqueId>();
  for (const { id, raw, tactic, everywhere: all } of latest.values()) {
    if (!annotated(raw)) {
      ignored.add(raw);
      continue;
    }
    const to = targets(id, catalog);
    // Without a tactic, an ID mapped onto another applies under all of that one's tactics, whatever its own were.
    for (const t of to) addEntry(o, t, id, raw, all && t !== id ? undefined : tacticIn(t, id, tactic, catalog));
    if (all) for (const t of to) everywhere.add(t);
    o.techniques.set(id, to);
    if (to.length > 1) mapped.set(id, to.filter((t) => t !== id));
  }
  o.ignored = ignored.size;
  // An entry without a tactic, where no later one hides it, is shown under all of them.
  for (const e of o.entries.values()) {
    const all = everywhere.has(e.id) ? catalog?.tactics?.(e.id) : undefined;
    if (e.tactics.length && all?.every((t) => e.tactics.some((x) => x.toLowerCase() === t))) e.tactics = [];
  }
  for (const [from, to] of mapped) {
    const status = catalog?.status(from) ?? '';
    o.problems.push(`${from} is ${status === 'unknown' ? 'newer than this ATT&CK release' : status}: compared as ${to.join(', ')}`);
  }
  return o;
}

/** Several overlays as one: names joined, the highest score wins. */
export function mergeOverlays(list: LayerOverlay[]): LayerOverlay {
  if (list.length === 1) return list[0] as LayerOverlay;
  const o = emptyOverlay(list.map((l) => l.name).join(' + '));
  o.description = list.map((l) => l.description).filter(Boolean).join('\n');
  o.domain = list[0]?.domain ?? '';
  o.attackVersion = list.find((l) => l.attackVersion)?.attackVersion;
  o.layerFormat = list.find((l) => l.layerFormat)?.layerFormat;
  list.forEach((l, i) => {
    o.problems.push(...l.problems.map((p) => `layer ${i + 1}: ${p}`));
    o.ignored += l.ignored;
    o.maxScore = Math.max(o.maxScore, l.maxScore);
    for (const [id, to] of l.techniques) o.techniques.set(id, to);
    for (const e of l.entries.values()) {
      const prev = o.entries.get(e.id);
      if (!prev) {
        o.entries.set(e.id, { ...e, tactics: [...e.tactics], layerIds: [...e.layerIds] });
        continue;
      }
      if (e.score !== undefined) prev.score = Math.max(prev.score ?? -Infinity, e.score);
      prev.color ??= e.color;
      if (e.comment) prev.comment = prev.comment ? `${prev.comment}\n${e.comment}` : e.comment;
      if (e.tactics.length === 0) prev.tactics = [];
      else if (prev.tactics.length > 0) for (const t of e.tactics) if (!prev.tactics.includes(t)) prev.tactics.push(t);
      for (const x of e.layerIds) if (!prev.layerIds.includes(x)) prev.layerIds.push(x);
    }
  });
  return o;
}

/** A layer file's text (one layer or an array) as one overlay. Throws LayerError when it is not a layer at all. */
export function parseLayerFile(text: string, catalog?: OverlayCatalog): LayerOverlay {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new LayerError(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const layers = Array.isArray(json) ? json : [json];
  if (layers.length === 0) throw new LayerError('the file holds an empty list of layers');
  if (!layers.every((l) => isObj(l) && ('techniques' in l || 'name' in l || 'domain' in l))) {
    throw new LayerError('this JSON is not an ATT&CK Navigator layer (no name, domain or techniques)');
  }
  return mergeOverlays(layers.map((l) => overlayFromLayer(l, catalog)));
}

/** The Catalog class adapted for the importer. */
export function overlayCatalog(c: {
  status(id: string): string;
  replacement(id: string): string | undefined;
  remappedFrom(id: string): string[];
  get(id: string): { tactics: string[] } | undefined;
  subtechniqueIds(id: string): string[];
  tactic(key: string): { shortname: string } | undefined;
}): OverlayCatalog {
  return {
    status: (id) => c.status(id),
    replacement: (id) => c.replacement(id),
    remappedFrom: (id) => c.remappedFrom(id),
    tactics: (id) => c.get(id)?.tactics,
    hasSubtechniques: (id) => c.subtechniqueIds(id).length > 0,
    isTactic: (shortname) => c.tactic(shortname)?.shortname === shortname.trim().toLowerCase(),
  };
}
