/**
 * A checker for Navigator layer format 4.5, written from the spec's property tables field by field.
 * `errors` break the spec (Navigator would reject or misread the layer); `warnings` are legal but
 * suspicious (unknown keys, a tactic the technique does not have, an older format on import).
 */
import { LAYER_DOMAINS, LAYER_FORMAT, MIN_NAVIGATOR_VERSION } from './types';

export interface LayerCheck {
  errors: string[];
  warnings: string[];
}

export interface ValidateOptions {
  /** Technique facts for the cross-checks (tactic belongs to the technique, showSubtechniques only on parents). */
  catalog?: {
    tactics(id: string): string[] | undefined;
    hasSubtechniques(id: string): boolean;
    /** Whether the release has the tactic: entries under one it lacks (a later release's) are not each flagged. */
    isTactic?(shortname: string): boolean;
  };
  /** Accept older formats (4.x) with a warning instead of an error: used on import. */
  lenientVersion?: boolean;
}

const LAYER_KEYS = new Set([
  'versions', 'name', 'description', 'domain', 'customDataURL', 'filters', 'sorting', 'layout', 'hideDisabled', 'techniques',
  'gradient', 'legendItems', 'showTacticRowBackground', 'tacticRowBackground', 'selectTechniquesAcrossTactics',
  'selectSubtechniquesWithParent', 'selectVisibleTechniques', 'metadata', 'links',
]);
const TECHNIQUE_KEYS = new Set(['techniqueID', 'tactic', 'comment', 'enabled', 'score', 'color', 'metadata', 'links', 'showSubtechniques']);
const LAYOUT_ENUMS: Record<string, readonly string[]> = {
  layout: ['side', 'flat', 'mini'],
  aggregateFunction: ['average', 'min', 'max', 'sum'],
  expandedSubtechniques: ['none', 'all', 'annotated'],
};
const LAYOUT_BOOLS = ['showID', 'showName', 'showAggregateScores', 'countUnscored'];
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** "5.1.0" ≥ "4.9.0"? Numeric per component; a malformed version compares as lower. */
export function versionAtLeast(v: string, min: string): boolean {
  const parse = (s: string): number[] | null => (/^\d+(\.\d+)*$/.test(s) ? s.split('.').map(Number) : null);
  const a = parse(v);
  const b = parse(min) ?? [];
  if (!a) return false;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

function checkItems(where: string, v: unknown, kind: 'metadata' | 'links', out: LayerCheck): void {
  if (!Array.isArray(v)) {
    out.errors.push(`${where}.${kind} must be an array`);
    return;
  }
  v.forEach((item, i) => {
    const at = `${where}.${kind}[${i}]`;
    if (!isObj(item)) return void out.errors.push(`${at} must be an object`);
    if ('divider' in item) {
      if (typeof item.divider !== 'boolean') out.errors.push(`${at}.divider must be a boolean`);
      return;
    }
    if (kind === 'metadata') {
      if (typeof item.name !== 'string') out.errors.push(`${at}.name is required and must be a string`);
      if (typeof item.value !== 'string') out.errors.push(`${at}.value is required and must be a string`);
    } else {
      if (typeof item.label !== 'string') out.errors.push(`${at}.label is required and must be a string`);
      if (typeof item.url !== 'string') out.errors.push(`${at}.url is required and must be a string`);
      else if (!/^[a-z][a-z0-9+.-]*:/i.test(item.url)) out.errors.push(`${at}.url must start with a protocol (e.g. https://)`);
    }
  });
}

function checkTechnique(t: unknown, i: number, out: LayerCheck, opts: ValidateOptions): void {
  const at = `techniques[${i}]`;
  if (!isObj(t)) return void out.errors.push(`${at} must be an object`);
  for (const k of Object.keys(t)) if (!TECHNIQUE_KEYS.has(k)) out.warnings.push(`${at} has an unknown key "${k}"`);
  const id = t.techniqueID;
  if (typeof id !== 'string') out.errors.push(`${at}.techniqueID is required and must be a string`);
  else if (!TECHNIQUE_ID.test(id)) out.errors.push(`${at}.techniqueID "${id}" is not T#### or T####.###`);
  if (t.tactic !== undefined) {
    if (typeof t.tactic !== 'string') out.errors.push(`${at}.tactic must be a string`);
    else if (typeof id === 'string' && opts.catalog) {
      const tactics = opts.catalog.tactics(id);
      if (tactics && !tactics.includes(t.tactic) && opts.catalog.isTactic?.(t.tactic) !== false) out.warnings.push(`${at}: ${id} is not under tactic "${t.tactic}"`);
    }
  }
  if (t.comment !== undefined && typeof t.comment !== 'string') out.errors.push(`${at}.comment must be a string`);
  if (t.enabled !== undefined && typeof t.enabled !== 'boolean') out.errors.push(`${at}.enabled must be a boolean`);
  if (t.score !== undefined && t.score !== null && !isNum(t.score)) out.errors.push(`${at}.score must be a number`);
  if (t.color !== undefined && typeof t.color !== 'string') out.errors.push(`${at}.color must be a string`);
  else if (typeof t.color === 'string' && t.color !== '' && !HEX.test(t.color)) out.warnings.push(`${at}.color "${t.color}" is not a hex colour`);
  if (t.metadata !== undefined) checkItems(at, t.metadata, 'metadata', out);
  if (t.links !== undefined) checkItems(at, t.links, 'links', out);
  // Navigator writes `showSubtechniques: false` on every technique it exports: only `true` needs sub-techniques.
  if (t.showSubtechniques !== undefined) {
    if (typeof t.showSubtechniques !== 'boolean') out.errors.push(`${at}.showSubtechniques must be a boolean`);
    else if (t.showSubtechniques && typeof id === 'string' && opts.catalog && !opts.catalog.hasSubtechniques(id)) {
      out.errors.push(`${at}.showSubtechniques is only valid on a technique with sub-techniques (${id} has none)`);
    }
  }
}

export function validateLayer(layer: unknown, opts: ValidateOptions = {}): LayerCheck {
  const out: LayerCheck = { errors: [], warnings: [] };
  if (!isObj(layer)) {
    out.errors.push('a layer must be a JSON object');
    return out;
  }
  for (const k of Object.keys(layer)) if (!LAYER_KEYS.has(k)) out.warnings.push(`unknown layer key "${k}"`);
  if (typeof layer.name !== 'string') out.errors.push('name is required and must be a string');
  if (typeof layer.domain !== 'string') out.errors.push('domain is required and must be a string');
  else if (!(LAYER_DOMAINS as readonly string[]).includes(layer.domain)) out.errors.push(`domain "${layer.domain}" is not one of ${LAYER_DOMAINS.join(', ')}`);
  if (layer.description !== undefined && typeof layer.description !== 'string') out.errors.push('description must be a string');
  if (layer.customDataURL !== undefined && typeof layer.customDataURL !== 'string') out.errors.push('customDataURL must be a string');

  const versionProblem = (msg: string): void => void (opts.lenientVersion ? out.warnings : out.errors).push(msg);
  if (layer.versions !== undefined) {
    const v = layer.versions;
    if (!isObj(v)) out.errors.push('versions must be an object');
    else {
      if (v.attack !== undefined && typeof v.attack !== 'string') out.errors.push('versions.attack must be a string');
      if (typeof v.navigator !== 'string') versionProblem('versions.navigator is required and must be a string');
      else if (!versionAtLeast(v.navigator, MIN_NAVIGATOR_VERSION)) versionProblem(`versions.navigator "${v.navigator}" must be at least "${MIN_NAVIGATOR_VERSION}"`);
      if (typeof v.layer !== 'string') versionProblem('versions.layer is required and must be a string');
      else if (v.layer !== LAYER_FORMAT) versionProblem(`versions.layer "${v.layer}" must be "${LAYER_FORMAT}"`);
    }
  } else {
    out.warnings.push('no versions object: Navigator assumes the current ATT&CK release');
  }

  if (layer.filters !== undefined) {
    if (!isObj(layer.filters)) out.errors.push('filters must be an object');
    else if (layer.filters.platforms !== undefined) {
      const p = layer.filters.platforms;
      if (!Array.isArray(p) || !p.every((x) => typeof x === 'string')) out.errors.push('filters.platforms must be an array of strings');
    }
  }
  if (layer.sorting !== undefined && (!isNum(layer.sorting) || ![0, 1, 2, 3].includes(layer.sorting))) out.errors.push('sorting must be 0, 1, 2 or 3');
  if (layer.layout !== undefined) {
    const l = layer.layout;
    if (!isObj(l)) out.errors.push('layout must be an object');
    else {
      for (const [k, allowed] of Object.entries(LAYOUT_ENUMS)) {
        if (l[k] !== undefined && (typeof l[k] !== 'string' || !allowed.includes(l[k]))) out.errors.push(`layout.${k} must be one of ${allowed.join(', ')}`);
      }
      for (const k of LAYOUT_BOOLS) if (l[k] !== undefined && typeof l[k] !== 'boolean') out.errors.push(`layout.${k} must be a boolean`);
    }
  }
  for (const k of ['hideDisabled', 'showTacticRowBackground', 'selectTechniquesAcrossTactics', 'selectSubtechniquesWithParent', 'selectVisibleTechniques']) {
    if (layer[k] !== undefined && typeof layer[k] !== 'boolean') out.errors.push(`${k} must be a boolean`);
  }
  if (layer.tacticRowBackground !== undefined && typeof layer.tacticRowBackground !== 'string') out.errors.push('tacticRowBackground must be a string');
  if (layer.techniques !== undefined) {
    if (!Array.isArray(layer.techniques)) out.errors.push('techniques must be an array');
    else layer.techniques.forEach((t, i) => checkTechnique(t, i, out, opts));
  }
  if (layer.gradient !== undefined) {
    const g = layer.gradient;
    if (!isObj(g)) out.errors.push('gradient must be an object');
    else {
      if (!Array.isArray(g.colors) || g.colors.length < 2 || !g.colors.every((c) => typeof c === 'string')) {
        out.errors.push('gradient.colors is required: an array of at least two colour strings');
      } else if (!g.colors.every((c) => HEX.test(c))) out.errors.push('gradient.colors must be hexadecimal RGB values');
      if (!isNum(g.minValue)) out.errors.push('gradient.minValue is required and must be a number');
      if (!isNum(g.maxValue)) out.errors.push('gradient.maxValue is required and must be a number');
      if (isNum(g.minValue) && isNum(g.maxValue) && !(g.maxValue > g.minValue)) out.errors.push('gradient.maxValue must be greater than gradient.minValue');
    }
  }
  if (layer.legendItems !== undefined) {
    if (!Array.isArray(layer.legendItems)) out.errors.push('legendItems must be an array');
    else
      layer.legendItems.forEach((li, i) => {
        if (!isObj(li) || typeof li.label !== 'string' || typeof li.color !== 'string') out.errors.push(`legendItems[${i}] needs a string label and color`);
      });
  }
  if (layer.metadata !== undefined) checkItems('layer', layer.metadata, 'metadata', out);
  if (layer.links !== undefined) checkItems('layer', layer.links, 'links', out);
  return out;
}

/** A layer file holds one layer object or an array of them. */
export function validateLayerFile(json: unknown, opts: ValidateOptions = {}): LayerCheck {
  if (!Array.isArray(json)) return validateLayer(json, opts);
  const out: LayerCheck = { errors: [], warnings: [] };
  if (json.length === 0) out.errors.push('the file holds an empty list of layers');
  json.forEach((l, i) => {
    const r = validateLayer(l, opts);
    out.errors.push(...r.errors.map((e) => `layer ${i + 1}: ${e}`));
    out.warnings.push(...r.warnings.map((w) => `layer ${i + 1}: ${w}`));
  });
  return out;
}
