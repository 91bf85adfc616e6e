/**
 * Sigma detection → flat predicates + a parsed condition tree (domain.md §5.3–5.5).
 *
 * Pure and total: any input gives an answer, and anything not understood is reported in `problems`
 * instead of thrown, because rules come from users' vaults and must never break indexing.
 */

/** Operator kinds, as in domain.md §5.5 (pySigma's backend vocabulary). */
export type OpKind =
  | 'eq'
  | 'wildcard'
  | 'contains'
  | 'starts_with'
  | 'ends_with'
  | 'regex_match'
  | 'cidr_match'
  | 'is_null'
  | 'is_not_null'
  | 'compare'
  | 'ne'
  | 'field_eq_field'
  | 'placeholder'
  | 'keyword'
  | 'time_part'
  | 'eq_cs';

export interface Predicate {
  /** Sigma search identifier; for vendor queries `query`, or `seq1`, `seq2`… inside an EQL sequence. */
  selection: string;
  /** The field as written, modifiers stripped; null for keywords (full-text search). */
  field: string | null;
  op: OpKind;
  /** Display value: escapes removed from literals (`'\?'` shows `?`); wildcard patterns keep `*` and `?`. */
  value: string;
  /** Sigma modifiers as written (`contains`, `all`…); for vendor queries the operator used (`:`, `in`, `like~`). */
  modifiers: string[];
  /** The selection appears only under an odd number of `not` (an exclusion / filter). */
  negated: boolean;
}

export type ConditionNode =
  | { type: 'and' | 'or'; children: ConditionNode[] }
  | { type: 'not'; child: ConditionNode }
  | { type: 'ref'; name: string }
  /** `1 of x*`, `all of them`: `names` are the selections the target resolved to. */
  | { type: 'of'; quantifier: 'all' | 'any' | number; target: string; names: string[] };

export interface SigmaAnalysis {
  predicates: Predicate[];
  condition: ConditionNode | null;
  problems: string[];
}

/** What each modifier does (domain.md §5.4); anything else is reported as unknown. */
export const SIGMA_MODIFIERS: Readonly<Record<string, 'match' | 'list' | 'transform' | 'regex' | 'regex_flag' | 'operator' | 'case'>> = {
  contains: 'match', startswith: 'match', endswith: 'match',
  all: 'list',
  base64: 'transform', base64offset: 'transform', wide: 'transform', utf16le: 'transform', utf16be: 'transform',
  utf16: 'transform', windash: 'transform',
  re: 'regex', i: 'regex_flag', ignorecase: 'regex_flag', m: 'regex_flag', multiline: 'regex_flag', s: 'regex_flag',
  dotall: 'regex_flag',
  cidr: 'operator', exists: 'operator', neq: 'operator', fieldref: 'operator', expand: 'operator',
  lt: 'operator', lte: 'operator', gt: 'operator', gte: 'operator',
  minute: 'operator', hour: 'operator', day: 'operator', week: 'operator', month: 'operator', year: 'operator',
  cased: 'case',
};

const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const COMPARE = new Set(['lt', 'lte', 'gt', 'gte']);

// ---------------------------------------------------------------------------------------------
// Values

/** A match string split into literal characters and unescaped `*` / `?` wildcards. */
export type Piece = { lit: string } | { wild: '*' | '?' };

/** A Sigma string as pySigma reads it. */
export function sigmaPieces(raw: string): Piece[] {
  const out: Piece[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    const next = raw.charAt(i + 1);
    // `\` escapes only `*`, `?` and `\`; before anything else it is a plain backslash (`\python`).
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      out.push({ lit: next });
      i++;
    } else if (c === '*' || c === '?') out.push({ wild: c });
    else out.push({ lit: c });
  }
  return out;
}

const literal = (ps: Piece[]): string => ps.map((p) => ('lit' in p ? p.lit : p.wild)).join('');
/** A wildcard pattern for display: wildcards bare, literal `*` / `?` escaped so they stay distinguishable. */
export const piecesPattern = (ps: Piece[]): string =>
  ps.map((p) => ('wild' in p ? p.wild : p.lit === '*' || p.lit === '?' ? `\\${p.lit}` : p.lit)).join('');
const isStar = (p: Piece | undefined): boolean => p !== undefined && 'wild' in p && p.wild === '*';

/**
 * pySigma's rule: contains/startswith/endswith only add `*`; the backend then picks the operator from
 * where the wildcards sit (trailing only → starts_with, leading only → ends_with, both → contains,
 * anywhere else → wildcard, none → eq). Vendor queries reuse it with their own escaping.
 */
export function classifyPieces(input: readonly Piece[], mods: readonly string[] = []): { op: OpKind; value: string } {
  const ps = [...input];
  if (mods.includes('contains') || mods.includes('endswith')) if (!isStar(ps[0])) ps.unshift({ wild: '*' });
  if (mods.includes('contains') || mods.includes('startswith')) if (!isStar(ps[ps.length - 1])) ps.push({ wild: '*' });
  const wilds = ps.map((p, i) => ('wild' in p ? i : -1)).filter((i) => i >= 0);
  if (wilds.length === 0) return { op: mods.includes('cased') ? 'eq_cs' : 'eq', value: literal(ps) };
  const last = ps.length - 1;
  const lead = isStar(ps[0]);
  const trail = last > 0 && isStar(ps[last]);
  const inner = wilds.filter((i) => !(i === 0 && lead) && !(i === last && trail));
  if (inner.length === 0 && ps.length > wilds.length) {
    const value = literal(ps.slice(lead ? 1 : 0, trail ? last : ps.length));
    return { op: lead && trail ? 'contains' : lead ? 'ends_with' : 'starts_with', value };
  }
  return { op: 'wildcard', value: piecesPattern(ps) };
}

/** Operator kind and display value of a Sigma string value under string-match modifiers. */
export const classifyString = (raw: string, mods: readonly string[] = []): { op: OpKind; value: string } =>
  classifyPieces(sigmaPieces(raw), mods);

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return '';
}

/** A short description of a value for problem messages (never JSON.stringify: YAML aliases can be cyclic). */
const shape = (v: unknown): string => (isScalar(v) ? JSON.stringify(scalarText(v)) : Array.isArray(v) ? 'a list' : v === null ? 'null' : `a ${typeof v === 'object' ? 'map' : typeof v}`);

const isScalar = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v instanceof Date;

/** One field value → operator kind and display value, following the modifiers (§5.5). */
function fieldOp(v: unknown, mods: readonly string[], problems: string[], where: string): { op: OpKind; value: string } {
  const has = (m: string): boolean => mods.includes(m);
  if (has('exists')) {
    const t = scalarText(v).toLowerCase();
    if (t !== 'true' && t !== 'false') problems.push(`${where}: |exists expects true or false, got ${shape(v)}`);
    return { op: t === 'false' ? 'is_null' : 'is_not_null', value: '' };
  }
  if (v === null || v === undefined) return { op: 'is_null', value: '' };
  const raw = scalarText(v);
  if (has('re')) return { op: 'regex_match', value: raw };
  if (has('cidr')) return { op: 'cidr_match', value: raw };
  if (has('expand')) return { op: 'placeholder', value: raw };
  if (has('fieldref')) return { op: 'field_eq_field', value: raw };
  if (mods.some((m) => COMPARE.has(m))) return { op: 'compare', value: raw };
  if (mods.some((m) => TIME_PARTS.has(m))) return { op: 'time_part', value: raw };
  if (typeof v !== 'string') {
    // `Details|contains: 00000429` is the number 429 to YAML: still a substring match, but the digits may have changed.
    const stringMods = mods.filter((m) => SIGMA_MODIFIERS[m] === 'match' || SIGMA_MODIFIERS[m] === 'transform');
    if (stringMods.length === 0) return { op: has('neq') ? 'ne' : 'eq', value: raw };
    problems.push(`${where}: |${stringMods.join('|')} expects a string, got the number ${raw} (quote it to keep it as written)`);
  }
  const c = classifyString(raw, mods);
  return has('neq') ? { op: 'ne', value: c.op === 'eq' || c.op === 'eq_cs' ? c.value : piecesPattern(sigmaPieces(raw)) } : c;
}

function keywordValue(raw: string): string {
  const ps = sigmaPieces(raw);
  return ps.some((p) => 'wild' in p) ? piecesPattern(ps) : literal(ps);
}

// ---------------------------------------------------------------------------------------------
// Detection → predicates

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function checkModifiers(mods: string[], where: string, problems: string[]): void {
  for (const m of mods) if (!Object.prototype.hasOwnProperty.call(SIGMA_MODIFIERS, m)) problems.push(`${where}: unknown modifier "${m}"`);
  if (mods.some((m) => SIGMA_MODIFIERS[m] === 'regex_flag') && !mods.includes('re'))
    problems.push(`${where}: regex flags (i, m, s) need the re modifier`);
  if (mods.filter((m) => SIGMA_MODIFIERS[m] === 'match').length > 1)
    problems.push(`${where}: more than one of contains / startswith / endswith`);
}

/** Fields of one map (AND-ed); each value of a list is a predicate of its own (OR, or AND with |all). */
function mapPredicates(selection: string, map: Record<string, unknown>, out: Predicate[], problems: string[]): void {
  for (const [key, v] of Object.entries(map)) {
    const [name = '', ...mods] = key.split('|');
    const field = name.trim() === '' ? null : name.trim();
    const where = `selection "${selection}", key "${key}"`;
    checkModifiers(mods, where, problems);
    const values = Array.isArray(v) ? v : [v];
    if (values.length === 0) problems.push(`${where}: empty value list`);
    for (const item of values) {
      if (item !== null && item !== undefined && !isScalar(item)) {
        problems.push(`${where}: nested ${Array.isArray(item) ? 'list' : 'map'} values are not valid Sigma`);
        continue;
      }
      if (field === null) {
        // `'|all': [...]` is a keyword list whose items must all appear.
        if (item === null || item === undefined) problems.push(`${where}: null keyword`);
        else out.push({ selection, field, op: 'keyword', value: keywordValue(scalarText(item)), modifiers: mods, negated: false });
        continue;
      }
      out.push({ selection, field, ...fieldOp(item, mods, problems, where), modifiers: mods, negated: false });
    }
  }
}

function selectionPredicates(name: string, body: unknown, out: Predicate[], problems: string[]): void {
  if (isMap(body)) return mapPredicates(name, body, out, problems);
  const items = Array.isArray(body) ? body : [body];
  if (body === null || body === undefined || items.length === 0) {
    problems.push(`selection "${name}" is empty`);
    return;
  }
  for (const item of items) {
    if (isMap(item)) mapPredicates(name, item, out, problems); // list of maps: OR of the maps
    else if (isScalar(item))
      out.push({ selection: name, field: null, op: 'keyword', value: keywordValue(scalarText(item)), modifiers: [], negated: false });
    else problems.push(`selection "${name}": unsupported list item (${shape(item)})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Condition grammar: or < and < not < x of < ( ), loosest first (§5.3).

class ConditionError extends Error {}

function tokenize(text: string): string[] {
  return text.replace(/[()]/g, ' $& ').split(/\s+/).filter((t) => t !== '');
}

/**
 * A matcher for a `1 of x*` target (`*`: any run of characters), built once per target. Anchored ends, then
 * each part between stars at its earliest place: time stays proportional to name × target length, where a
 * regular expression made from `*a*a*a…` backtracks for minutes.
 */
function globMatcher(glob: string): (name: string) => boolean {
  const parts = glob.split('*');
  if (parts.length === 1) return (name) => name === glob;
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  return (name) => {
    if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
    // Each middle part at its earliest place is optimal: later parts only need what is left.
    let pos = first.length;
    const end = name.length - last.length;
    for (const p of middle) {
      const at = name.indexOf(p, pos);
      if (at < 0 || at + p.length > end) return false;
      pos = at + p.length;
    }
    return true;
  };
}

/**
 * Parses a condition string. `selections` are the detection's search identifiers, used to resolve
 * `them` and `x*` patterns and to report names that do not exist.
 */
export function parseCondition(text: string, selections: readonly string[]): { node: ConditionNode | null; problems: string[] } {
  const problems: string[] = [];
  // Sigma v1 aggregations (`| count() by x > 5`, `| near …`) are not part of the boolean condition.
  const bar = text.indexOf('|');
  if (bar >= 0) {
    problems.push(`aggregation "${text.slice(bar).trim()}" is Sigma v1 syntax and is not evaluated`);
    text = text.slice(0, bar);
  }
  const toks = tokenize(text);
  let pos = 0;
  const peek = (): string | undefined => toks[pos]?.toLowerCase();
  const next = (): string => {
    const t = toks[pos++];
    if (t === undefined) throw new ConditionError('unexpected end of condition');
    return t;
  };

  const orExpr = (): ConditionNode => {
    const kids = [andExpr()];
    while (peek() === 'or') {
      pos++;
      kids.push(andExpr());
    }
    return kids.length === 1 ? kids[0]! : { type: 'or', children: kids };
  };
  const andExpr = (): ConditionNode => {
    const kids = [notExpr()];
    while (peek() === 'and') {
      pos++;
      kids.push(notExpr());
    }
    return kids.length === 1 ? kids[0]! : { type: 'and', children: kids };
  };
  const notExpr = (): ConditionNode => {
    if (peek() === 'not') {
      pos++;
      return { type: 'not', child: notExpr() };
    }
    return ofExpr();
  };
  const ofExpr = (): ConditionNode => {
    const q = peek();
    if (q !== undefined && toks[pos + 1]?.toLowerCase() === 'of' && (q === 'all' || q === 'any' || /^\d+$/.test(q))) {
      pos += 2;
      const target = next();
      if (['(', ')', 'and', 'or', 'not', 'of'].includes(target.toLowerCase())) throw new ConditionError(`"of" needs a target, got "${target}"`);
      const names = target.toLowerCase() === 'them'
        ? selections.filter((s) => !s.startsWith('_'))
        : selections.filter(globMatcher(target));
      if (names.length === 0) problems.push(`"${q} of ${target}" matches no selection`);
      const quantifier = q === 'all' || q === 'any' ? q : Number(q);
      return { type: 'of', quantifier, target, names };
    }
    return primary();
  };
  const primary = (): ConditionNode => {
    const t = next();
    if (t === '(') {
      const inner = orExpr();
      if (next() !== ')') throw new ConditionError('missing ")"');
      return inner;
    }
    if (['and', 'or', 'not', 'of', ')'].includes(t.toLowerCase())) throw new ConditionError(`unexpected "${t}"`);
    if (t.includes('*')) problems.push(`"${t}": a wildcard needs "1 of" or "all of"`);
    else if (!selections.includes(t)) problems.push(`condition names missing selection "${t}"`);
    return { type: 'ref', name: t };
  };

  try {
    if (toks.length === 0) throw new ConditionError('empty condition');
    const node = orExpr();
    if (pos < toks.length) throw new ConditionError(`unexpected "${toks[pos] ?? ''}"`);
    return { node, problems };
  } catch (e) {
    // A failed parse makes the name checks meaningless ("write" is not a missing selection).
    problems.splice(0, problems.length, ...problems.filter((p) => p.startsWith('aggregation')));
    problems.push(`unparsable condition "${text.trim()}": ${e instanceof Error ? e.message : String(e)}`);
    return { node: null, problems };
  }
}

/** Selection name → the parities (0 even, 1 odd) of `not` above each place it is used. */
function notParities(node: ConditionNode, odd: boolean, acc: Map<string, Set<boolean>>): void {
  const mark = (n: string): void => {
    const s = acc.get(n) ?? new Set<boolean>();
    s.add(odd);
    acc.set(n, s);
  };
  switch (node.type) {
    case 'and':
    case 'or':
      for (const c of node.children) notParities(c, odd, acc);
      break;
    case 'not':
      notParities(node.child, !odd, acc);
      break;
    case 'ref':
      mark(node.name);
      break;
    case 'of':
      node.names.forEach(mark);
      break;
  }
}

// ---------------------------------------------------------------------------------------------

/** Parses the `detection` of an already-loaded Sigma rule object. Never throws. */
export function parseSigmaDetection(rule: Record<string, unknown>): SigmaAnalysis {
  const predicates: Predicate[] = [];
  const problems: string[] = [];
  try {
    if (!isMap(rule)) return { predicates, condition: null, problems: ['not a Sigma rule (expected a YAML map)'] };
    if ('correlation' in rule) return { predicates, condition: null, problems: ['correlation rule: not a detection rule'] };
    if ('filter' in rule && !('detection' in rule)) return { predicates, condition: null, problems: ['filter file: not a detection rule'] };
    const detection = rule['detection'];
    if (!isMap(detection)) return { predicates, condition: null, problems: ['rule has no detection map'] };

    const selections = Object.keys(detection).filter((k) => k !== 'condition' && k !== 'timeframe');
    for (const name of selections) selectionPredicates(name, detection[name], predicates, problems);

    // A list of conditions means OR (Sigma v1 style).
    const raw = detection['condition'];
    const texts = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map(scalarText);
    if (texts.length === 0) problems.push('detection has no condition');
    const nodes: ConditionNode[] = [];
    for (const t of texts) {
      const r = parseCondition(t, selections);
      problems.push(...r.problems);
      if (r.node) nodes.push(r.node);
    }
    const condition = nodes.length === 0 ? null : nodes.length === 1 ? nodes[0]! : { type: 'or' as const, children: nodes };

    if (condition) {
      const parities = new Map<string, Set<boolean>>();
      notParities(condition, false, parities);
      for (const p of predicates) {
        const s = parities.get(p.selection);
        p.negated = s !== undefined && s.has(true) && !s.has(false);
      }
    }
    return { predicates, condition, problems };
  } catch (e) {
    // Defensive: a bug here must not take the indexer down with it.
    problems.push(`internal error: ${e instanceof Error ? e.message : String(e)}`);
    return { predicates, condition: null, problems };
  }
}
