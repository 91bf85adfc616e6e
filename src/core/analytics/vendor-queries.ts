/**
 * Best-effort predicates from Elastic (EQL, KQL, ES|QL) and Splunk (SPL) queries, in the same shape as
 * Sigma's. Only the filtering part is read: EQL event filters (each sequence/sample step), KQL, ES|QL
 * `where` before the first `stats`, the SPL base search or `tstats … where … by`. Later pipes work on
 * derived fields and are skipped. When a query is not understood, `parsed` is false and `problems`
 * says where; nothing here throws.
 */
import { classifyPieces, type OpKind, type Piece, type Predicate } from './sigma';

export type QueryDialect = 'eql' | 'kql' | 'esql' | 'spl';

export interface VendorQueryAnalysis {
  predicates: Predicate[];
  /** False when (part of) the query could not be parsed; `problems` says which part. */
  parsed: boolean;
  problems: string[];
  /** EQL event categories the query or its sequence steps select (`process where …`); `any` is left out. */
  eventCategories?: string[];
  /** The `event.category` values an `any where …` step requires (`[any where event.category : ("library", "driver")]`). */
  anyStepCategories?: string[];
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Kind = 'word' | 'str' | 'op' | '(' | ')' | '[' | ']' | ',' | '|' | 'macro';
interface Tok { k: Kind; v: string }

const OPS = ['==', '!=', '<=', '>=', ':', '=', '<', '>'];
// Characters that end an unquoted word, per dialect (KQL and SPL values are mostly unquoted).
const WORD_STOP: Record<QueryDialect, string> = {
  eql: ' \t\r\n()[],|"\'=!<>:',
  esql: ' \t\r\n()[],|"\'=!<>:',
  kql: ' \t\r\n()":<>{}',
  spl: ' \t\r\n()"=!<>,|`[]',
};

class QueryError extends Error {}

function unquote(body: string, dialect: QueryDialect): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    const n = body.charAt(i + 1);
    if (c === '\\' && (n === '\\' || n === '"' || n === "'")) {
      out += n;
      i++;
    } else if (c === '\\' && dialect !== 'spl' && (n === 'n' || n === 't' || n === 'r')) {
      out += n === 'n' ? '\n' : n === 't' ? '\t' : '\r';
      i++;
    } else out += c;
  }
  return out;
}

function tokenize(text: string, dialect: QueryDialect): Tok[] {
  const toks: Tok[] = [];
  const stop = WORD_STOP[dialect];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    const rest = text.slice(i, i + 3);
    if (/\s/.test(c)) i++;
    else if ((dialect === 'eql' || dialect === 'esql') && rest.startsWith('/*')) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if ((dialect === 'eql' || dialect === 'esql') && rest.startsWith('//')) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (dialect === 'spl' && rest === '```') {
      const end = text.indexOf('```', i + 3);
      i = end < 0 ? text.length : end + 3;
    } else if (rest === '"""') {
      // Triple-quoted strings are raw (EQL, ES|QL): no escapes.
      const end = text.indexOf('"""', i + 3);
      if (end < 0) throw new QueryError('unterminated """ string');
      toks.push({ k: 'str', v: text.slice(i + 3, end) });
      i = end + 3;
    } else if (c === '"' || (c === "'" && dialect === 'eql')) {
      let j = i + 1;
      while (j < text.length && text.charAt(j) !== c) j += text.charAt(j) === '\\' ? 2 : 1;
      if (j >= text.length) throw new QueryError(`unterminated ${c} string`);
      toks.push({ k: 'str', v: unquote(text.slice(i + 1, j), dialect) });
      i = j + 1;
    } else if (c === '`' && dialect === 'spl') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) throw new QueryError('unterminated macro');
      toks.push({ k: 'macro', v: text.slice(i + 1, end) });
      i = end + 1;
    } else if ('()[],|'.includes(c) && !(dialect === 'kql' && '[],|'.includes(c))) {
      toks.push({ k: c as Kind, v: c });
      i++;
    } else {
      const op = OPS.find((o) => text.startsWith(o, i));
      if (op && !(dialect === 'kql' && (op === '=' || op === '==' || op === '!='))) {
        toks.push({ k: 'op', v: op });
        i += op.length;
        continue;
      }
      let j = i;
      // KQL escapes any character with a backslash (`C\:\\Program*Files`): keep the pair in the word.
      while (j < text.length && !stop.includes(text.charAt(j))) j += dialect === 'kql' && text.charAt(j) === '\\' ? 2 : 1;
      if (j === i) throw new QueryError(`unexpected "${c}"`);
      toks.push({ k: 'word', v: text.slice(i, Math.min(j, text.length)) });
      i = j;
    }
  }
  return toks;
}

// ---------------------------------------------------------------------------------------------
// Values → operator kinds

interface Val { text: string; quoted: boolean }

const NUMBER = /^-?\d+(\.\d+)?$/;
const isLiteralWord = (v: Val): boolean => v.quoted || NUMBER.test(v.text) || /^(true|false)$/i.test(v.text);

/** Pieces of a vendor value: which characters are wildcards depends on the dialect. */
function vendorPieces(v: Val, dialect: QueryDialect, wild: string): Piece[] {
  const out: Piece[] = [];
  const t = v.text;
  for (let i = 0; i < t.length; i++) {
    const c = t.charAt(i);
    if (dialect === 'kql' && !v.quoted && c === '\\' && i + 1 < t.length) out.push({ lit: t.charAt(++i) });
    else if (wild.includes(c)) out.push({ wild: c as '*' | '?' });
    else out.push({ lit: c });
  }
  return out;
}

const plain = (v: Val, dialect: QueryDialect): string => vendorPieces(v, dialect, '').map((p) => ('lit' in p ? p.lit : '')).join('');

// ---------------------------------------------------------------------------------------------
// Boolean expressions: or < and < not < comparison, shared by the four dialects.

const KNOWN_FUNCTIONS: Record<string, OpKind> = {
  stringcontains: 'contains', startswith: 'starts_with', endswith: 'ends_with', cidrmatch: 'cidr_match',
  wildcard: 'wildcard', match: 'regex_match', 'match~': 'regex_match',
};

class ExprParser {
  private pos = 0;
  readonly out: Predicate[] = [];
  readonly notes: string[] = [];

  constructor(private readonly toks: Tok[], private readonly dialect: QueryDialect, private readonly selection: string) {}

  parse(): void {
    if (this.toks.length === 0) return;
    this.or(false);
    if (this.pos < this.toks.length) this.fail(`unexpected ${this.show(this.peek())}`);
  }

  private peek(o = 0): Tok | undefined {
    return this.toks[this.pos + o];
  }
  private show(t: Tok | undefined): string {
    return t === undefined ? 'end of query' : `"${t.v}"`;
  }
  private fail(msg: string): never {
    throw new QueryError(msg);
  }
  /** SPL's boolean operators must be upper case; the other languages accept any case. */
  private kw(t: Tok | undefined, word: string): boolean {
    if (t?.k !== 'word') return false;
    return this.dialect === 'spl' ? t.v === word.toUpperCase() : t.v.toLowerCase() === word;
  }
  private expect(k: Kind): Tok {
    const t = this.peek();
    if (t?.k !== k) this.fail(`expected "${k}", got ${this.show(t)}`);
    this.pos++;
    return t;
  }

  private or(neg: boolean): void {
    this.and(neg);
    while (this.kw(this.peek(), 'or')) {
      this.pos++;
      this.and(neg);
    }
  }
  private and(neg: boolean): void {
    this.not(neg);
    while (this.kw(this.peek(), 'and') || this.implicitAnd()) {
      if (this.kw(this.peek(), 'and')) this.pos++;
      this.not(neg);
    }
  }
  /** SPL ANDs terms written side by side. */
  private implicitAnd(): boolean {
    const t = this.peek();
    return this.dialect === 'spl' && t !== undefined && t.k !== ')' && t.k !== '|' && !this.kw(t, 'or');
  }
  private not(neg: boolean): void {
    if (this.kw(this.peek(), 'not')) {
      this.pos++;
      this.not(!neg);
    } else this.primary(neg);
  }

  private primary(neg: boolean): void {
    const t = this.peek();
    if (t === undefined) this.fail('unexpected end of query');
    if (t.k === '(') {
      this.pos++;
      this.or(neg);
      this.expect(')');
      return;
    }
    if (t.k === 'macro') {
      this.pos++;
      this.notes.push(`macro \`${t.v}\` not expanded`);
      return;
    }
    if (t.k === 'word' && this.peek(1)?.k === '(' && this.dialect !== 'spl' && this.dialect !== 'kql') return this.call(neg);
    if (t.k === 'word' && this.isComparison(this.peek(1), this.peek(2))) return this.comparison(neg);
    // A bare term is full-text search in SPL and KQL.
    if ((this.dialect === 'spl' || this.dialect === 'kql') && (t.k === 'word' || t.k === 'str')) {
      this.pos++;
      this.push(null, 'keyword', t.k === 'str' ? t.v : plain({ text: t.v, quoted: false }, this.dialect), [], neg);
      return;
    }
    this.fail(`unexpected ${this.show(t)}`);
  }

  private isComparison(t: Tok | undefined, after: Tok | undefined): boolean {
    if (t?.k === 'op') return true;
    if (t?.k !== 'word') return false;
    const w = t.v.toLowerCase();
    if (this.dialect === 'spl') return t.v === 'IN';
    if (this.dialect === 'kql') return false;
    if (['in', 'in~', 'like', 'like~', 'regex', 'regex~', 'rlike', 'is'].includes(w)) return true;
    return w === 'not' && ['in', 'in~', 'like', 'like~', 'regex', 'regex~', 'rlike'].includes(after?.v.toLowerCase() ?? '');
  }

  private value(): Val {
    const t = this.peek();
    if (t?.k === 'str' || t?.k === 'word') {
      this.pos++;
      return { text: t.v, quoted: t.k === 'str' };
    }
    return this.fail(`expected a value, got ${this.show(t)}`);
  }

  /** `( v, v, … )` (EQL, ES|QL, SPL) or a single value. */
  private values(): Val[] {
    if (this.peek()?.k !== '(') return [this.value()];
    this.pos++;
    const vals = [this.value()];
    while (this.peek()?.k === ',') {
      this.pos++;
      vals.push(this.value());
    }
    this.expect(')');
    return vals;
  }

  private comparison(neg: boolean): void {
    const field = this.expect('word').v.replace(/^\?/, ''); // EQL `?field`: optional field
    let op = this.peek()?.v ?? '';
    this.pos++;
    if (op.toLowerCase() === 'not') {
      // `f not in (…)` / `f not like …` is the negation of the positive form.
      neg = !neg;
      op = this.peek()?.v ?? '';
      this.pos++;
    }
    const lop = op.toLowerCase();
    if (lop === 'is') {
      // ES|QL `f is null` / `f is not null`
      const notNull = this.kw(this.peek(), 'not');
      if (notNull) this.pos++;
      if (!this.kw(this.peek(), 'null')) this.fail(`expected "null" after "is"`);
      this.pos++;
      return this.push(field, notNull ? 'is_not_null' : 'is_null', '', [notNull ? 'is not null' : 'is null'], neg);
    }
    if (this.dialect === 'kql' && op === ':') return this.kqlValues(field, neg);
    for (const v of this.values()) this.emit(field, lop, v, neg);
  }

  /** One `field <op> value` → predicate. */
  private emit(field: string, op: string, v: Val, neg: boolean): void {
    const d = this.dialect;
    const mods = [op];
    const isNull = !v.quoted && v.text.toLowerCase() === 'null';
    if (op === '<' || op === '>' || op === '<=' || op === '>=') return this.push(field, 'compare', v.text, mods, neg);
    if (op.startsWith('regex') || op === 'rlike') return this.push(field, 'regex_match', v.text, mods, neg);
    if (op === '==' || op === '!=' || (op === '=' && d === 'esql')) {
      if (isNull) return this.push(field, op === '!=' ? 'is_not_null' : 'is_null', '', mods, neg);
      if (!isLiteralWord(v)) return this.push(field, op === '!=' ? 'ne' : 'field_eq_field', v.text, mods, neg);
      return this.push(field, op === '!=' ? 'ne' : 'eq', v.text, mods, neg);
    }
    // EQL / ES|QL `in` is exact; SPL `IN` takes wildcards like `=`.
    if ((op === 'in' || op === 'in~') && d !== 'spl') return this.push(field, 'eq', v.text, mods, neg);
    // `:`, `like`, SPL `=` / `!=` / `IN`: wildcard matches (`*`; EQL also `?`).
    const wild = d === 'spl' || d === 'kql' ? '*' : '*?';
    const ps = vendorPieces(v, d, v.quoted && d === 'kql' ? '' : wild);
    if (ps.length > 0 && ps.every((p) => 'wild' in p && p.wild === '*') && (d === 'spl' || d === 'kql'))
      return this.push(field, op === '!=' ? 'is_null' : 'is_not_null', '', mods, neg); // SPL `F=*`, KQL `F:*`
    const c = classifyPieces(ps);
    if (d === 'spl' && op === '!=') return this.push(field, 'ne', v.text, mods, neg);
    this.push(field, c.op, c.value, mods, neg);
  }

  /** KQL `field: value` or `field: (a or b and not c)`. */
  private kqlValues(field: string, neg: boolean): void {
    const alt = (n: boolean): void => {
      conj(n);
      while (this.kw(this.peek(), 'or')) {
        this.pos++;
        conj(n);
      }
    };
    const conj = (n: boolean): void => {
      unit(n);
      while (this.kw(this.peek(), 'and')) {
        this.pos++;
        unit(n);
      }
    };
    const unit = (n: boolean): void => {
      if (this.kw(this.peek(), 'not')) {
        this.pos++;
        return unit(!n);
      }
      if (this.peek()?.k === '(') {
        this.pos++;
        alt(n);
        this.expect(')');
        return;
      }
      this.emit(field, ':', this.value(), n);
    };
    unit(neg);
  }

  /** EQL / ES|QL function call: known string functions become predicates, others are skipped. */
  private call(neg: boolean): void {
    const name = this.expect('word').v;
    const start = this.pos;
    this.expect('(');
    let depth = 1;
    while (depth > 0) {
      const t = this.peek();
      if (t === undefined) this.fail(`unclosed call to ${name}()`);
      if (t.k === '(') depth++;
      if (t.k === ')') depth--;
      this.pos++;
    }
    const args = this.toks.slice(start + 1, this.pos - 1);
    const kind = KNOWN_FUNCTIONS[name.toLowerCase()];
    const [field, ...rest] = args.filter((a) => a.k !== ',');
    // `length(x) > 3`: the comparison belongs to the skipped call.
    if (this.peek()?.k === 'op') {
      this.pos++;
      this.value();
    }
    if (kind && field?.k === 'word' && rest.length > 0 && rest.every((a) => a.k === 'str')) {
      for (const a of rest) {
        const c = kind === 'wildcard' ? classifyPieces(vendorPieces({ text: a.v, quoted: true }, this.dialect, '*?')) : { op: kind, value: a.v };
        this.push(field.v, c.op, c.value, [name], neg);
      }
    } else this.notes.push(`function ${name}() not interpreted`);
  }

  private push(field: string | null, op: OpKind, value: string, modifiers: string[], negated: boolean): void {
    this.out.push({ selection: this.selection, field, op, value, modifiers, negated });
  }
}

// ---------------------------------------------------------------------------------------------
// Which tokens hold the filter, per language

const isWord = (t: Tok | undefined, w: string): boolean => t?.k === 'word' && t.v.toLowerCase() === w;

/** Splits at depth-0 tokens of kind `k` (`|` pipes). */
function splitTop(toks: Tok[], k: Kind): Tok[][] {
  const out: Tok[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.k === '(' || t.k === '[') depth++;
    if (t.k === ')' || t.k === ']') depth--;
    if (t.k === k && depth === 0) out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out;
}

/** `category where expr` → expr, and the category word when there is one. */
function afterWhere(toks: Tok[], what: string): { expr: Tok[]; category?: string } {
  const i = toks.findIndex((t) => isWord(t, 'where'));
  if (i < 0) throw new QueryError(`no "where" in ${what}`);
  const word = i === 1 && toks[0]?.k === 'word' ? toks[0].v.toLowerCase() : undefined;
  return { expr: toks.slice(i + 1), ...(word ? { category: word } : {}) };
}

/** A filter segment of a query: its label, its tokens and (EQL) the event category it selects. */
type Segment = [label: string, toks: Tok[], category?: string];

/** The filter segments of a query. */
function segments(toks: Tok[], dialect: QueryDialect): Segment[] {
  if (dialect === 'kql') return [['query', toks]];
  if (dialect === 'eql') {
    if (isWord(toks[0], 'sequence') || isWord(toks[0], 'sample')) {
      // Each bracketed step `[process where …]` is its own filter; `by` / `with maxspan` are join keys.
      const steps: Segment[] = [];
      let depth = 0;
      let start = -1;
      toks.forEach((t, i) => {
        if (t.k === '[' && depth++ === 0) start = i + 1;
        if (t.k === ']' && --depth === 0) {
          const step = afterWhere(toks.slice(start, i), 'sequence step');
          steps.push([`seq${steps.length + 1}`, step.expr, step.category]);
        }
      });
      if (steps.length === 0) throw new QueryError('sequence without steps');
      return steps;
    }
    const q = afterWhere(splitTop(toks, '|')[0] ?? [], 'query');
    return [['query', q.expr, q.category]];
  }
  const cmds = splitTop(toks, '|');
  if (dialect === 'esql') {
    const out: Array<[string, Tok[]]> = [];
    for (const c of cmds.slice(1)) {
      if (isWord(c[0], 'stats')) break; // later filters see aggregated, renamed fields
      if (isWord(c[0], 'where')) out.push(['query', c.slice(1)]);
    }
    return out;
  }
  // SPL: the base search, or a generating `| tstats … where … by …`.
  let first = cmds[0] ?? [];
  if (isWord(first[0], 'search')) first = first.slice(1);
  // A leading macro names the data source (`sysmon`, `powershell`), not a condition.
  if (first[0]?.k === 'macro') first = first.slice(1);
  if ((cmds[0] ?? []).length > 0) return [['query', first]];
  const gen = cmds[1] ?? [];
  if (isWord(gen[0], 'tstats')) {
    const w = gen.findIndex((t) => isWord(t, 'where'));
    if (w < 0) return [];
    let depth = 0;
    const by = gen.findIndex((t, i) => {
      if (t.k === '(') depth++;
      if (t.k === ')') depth--;
      return i > w && depth === 0 && isWord(t, 'by');
    });
    return [['query', gen.slice(w + 1, by < 0 ? gen.length : by)]];
  }
  if (isWord(gen[0], 'search')) return [['query', gen.slice(1)]];
  throw new QueryError(`generating command "${gen[0]?.v ?? ''}" is not supported`);
}

const LANGUAGE_NAMES: Record<QueryDialect, string> = { eql: 'EQL', kql: 'KQL', esql: 'ES|QL', spl: 'SPL' };

/** Predicates of one query. Never throws. */
export function parseVendorQuery(query: string, dialect: QueryDialect): VendorQueryAnalysis {
  const predicates: Predicate[] = [];
  const problems: string[] = [];
  const categories = new Set<string>();
  const anyStep = new Set<string>();
  const lang = LANGUAGE_NAMES[dialect] ?? String(dialect);
  let parsed = true;
  try {
    for (const [label, toks, category] of segments(tokenize(String(query ?? ''), dialect), dialect)) {
      if (category && category !== 'any') categories.add(category);
      const p = new ExprParser(toks, dialect, label);
      try {
        p.parse();
        // `[any where event.category : ("library", "driver") …]`: the step names its categories in its condition.
        if (category === 'any')
          for (const x of p.out) if (x.field?.toLowerCase() === 'event.category' && x.op === 'eq' && !x.negated) anyStep.add(x.value.trim().toLowerCase());
        predicates.push(...p.out);
        problems.push(...p.notes);
      } catch (e) {
        parsed = false;
        problems.push(`could not parse the ${lang} ${label === 'query' ? 'query' : `step ${label}`}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } catch (e) {
    parsed = false;
    problems.push(`could not parse the ${lang} query: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed && predicates.length === 0) problems.push(`no field conditions found in the filtering part of the ${lang} query`);
  return {
    predicates,
    parsed,
    problems,
    ...(categories.size ? { eventCategories: [...categories] } : {}),
    ...(anyStep.size ? { anyStepCategories: [...anyStep] } : {}),
  };
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** An Elastic detection-rules TOML (parsed; the whole file or its `[rule]` table). */
export function parseElasticRule(toml: Record<string, unknown>): VendorQueryAnalysis {
  const rule = obj(obj(toml)?.['rule']) ?? obj(toml) ?? {};
  const query = rule['query'];
  const language = typeof rule['language'] === 'string' ? rule['language'].toLowerCase() : '';
  if (typeof query !== 'string' || query.trim() === '')
    return { predicates: [], parsed: false, problems: [`no query to parse (rule type ${typeof rule['type'] === 'string' ? rule['type'] : 'unknown'})`] };
  const dialect: QueryDialect | undefined =
    language === 'eql' ? 'eql' : language === 'esql' ? 'esql' : language === 'kuery' || language === 'lucene' ? 'kql' : undefined;
  if (!dialect) return { predicates: [], parsed: false, problems: [`query language "${language}" is not supported`] };
  return parseVendorQuery(query, dialect);
}

/** A Splunk security_content detection (parsed YAML): its `search`. */
export function parseSplunkDetection(detection: Record<string, unknown>): VendorQueryAnalysis {
  const search = obj(detection)?.['search'];
  if (typeof search !== 'string' || search.trim() === '') return { predicates: [], parsed: false, problems: ['no search to parse'] };
  return parseVendorQuery(search, 'spl');
}
