/**
 * Rule metadata normalised across vendors, from a rule note's frontmatter and, where the note embeds
 * the original rule (Sigma YAML, Elastic TOML, Splunk YAML), from that rule.
 */
import { parse as parseToml } from 'smol-toml';
import { idFromTag, looksLikeMalformedId, parseBareId, type TechniqueId } from './ids';
import type { CodeBlock } from './markdown';
import { readSigmaHeader, type SigmaHeader } from './sigma-header';

export interface RuleMeta {
  title: string;
  /** `sigma`, `elastic`, `splunk`, or whatever the note's `vendor` says; empty when unknown. */
  vendor: string;
  status: string;
  level: string;
  product: string;
  service: string;
  category: string;
  /** The rule's own ID (Sigma `id`, Elastic `rule_id`, Splunk `id`), when known. */
  ruleId: string;
  /** Techniques named by the embedded rule itself (frontmatter tags are read elsewhere). */
  techniques: TechniqueId[];
  /**
   * The rule's folder in the repository it came from (`windows/process_creation` for SigmaHQ's
   * `rules/windows/process_creation/x.yml`), from the `source_file` the importers write; empty when unknown.
   */
  package?: string;
}

export type YamlParser = (text: string) => unknown;

/** What an embedded rule says, plus the IDs it names in a malformed spelling (`attack.t1059.6`), to report. */
export type EmbeddedRuleFacts = Partial<RuleMeta> & { malformedIds?: string[] };

/** Sorts a rule's technique spellings into IDs and malformed ones; anything else is not an ID at all. */
function techniqueCollector(parse: (s: string) => TechniqueId | null) {
  const techniques: TechniqueId[] = [];
  const malformedIds: string[] = [];
  return {
    add(s: string): void {
      const id = parse(s);
      if (id) techniques.push(id);
      else if (looksLikeMalformedId(s)) malformedIds.push(s);
    },
    result: (): Pick<EmbeddedRuleFacts, 'techniques' | 'malformedIds'> => ({ techniques, ...(malformedIds.length ? { malformedIds } : {}) }),
  };
}

function str(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

function obj(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

function first(fm: Record<string, unknown>, keys: string[]): string {
  for (const k of keys) {
    const v = str(fm[k]);
    if (v) return v;
  }
  return '';
}

/** Elastic's numeric severities and Splunk's risk scores map onto Sigma's level words. */
function levelWord(v: string): string {
  const s = v.toLowerCase();
  if (['informational', 'low', 'medium', 'high', 'critical'].includes(s)) return s;
  if (s === 'info') return 'informational';
  return s;
}

export function ruleMetaFromFrontmatter(fm: Record<string, unknown>): RuleMeta {
  return {
    title: first(fm, ['title', 'name']),
    vendor: first(fm, ['vendor', 'source']).toLowerCase(),
    status: first(fm, ['status', 'maturity']).toLowerCase(),
    level: levelWord(first(fm, ['level', 'severity'])),
    product: first(fm, ['logsrc_product', 'product']).toLowerCase(),
    service: first(fm, ['logsrc_service', 'service']).toLowerCase(),
    category: first(fm, ['logsrc_category', 'category']).toLowerCase(),
    ruleId: first(fm, ['id', 'rule_id', 'ruleid']),
    techniques: [],
    ...packageOf(first(fm, ['source_file'])),
  };
}

/** `windows/process_creation/x.yml` → `windows/process_creation`; a file at the top has no package. */
function packageOf(sourceFile: string): Pick<RuleMeta, 'package'> {
  const folder = sourceFile.replace(/\\/g, '/').replace(/\/[^/]*$/, '');
  return folder && folder !== sourceFile ? { package: folder } : {};
}

/** A Sigma rule, fully parsed or read by `readSigmaHeader` (which has already checked for `detection`). */
function sigmaFacts(rule: Record<string, unknown> | SigmaHeader, header = false): EmbeddedRuleFacts | null {
  const logsource = obj(rule.logsource);
  if (!logsource || (!header && !obj((rule as Record<string, unknown>).detection))) return null;
  const ids = techniqueCollector(idFromTag);
  for (const t of list(rule.tags)) if (typeof t === 'string' && /^attack\./i.test(t)) ids.add(t);
  return {
    vendor: 'sigma',
    title: str(rule.title),
    status: str(rule.status).toLowerCase(),
    level: levelWord(str(rule.level)),
    product: str(logsource.product).toLowerCase(),
    service: str(logsource.service).toLowerCase(),
    category: str(logsource.category).toLowerCase(),
    ruleId: str(rule.id),
    ...ids.result(),
  };
}

function splunkFacts(rule: Record<string, unknown>): EmbeddedRuleFacts | null {
  const tags = obj(rule.tags);
  if (typeof rule.search !== 'string' || !tags) return null;
  const ids = techniqueCollector(parseBareId);
  for (const t of list(tags.mitre_attack_id)) ids.add(str(t));
  return {
    vendor: 'splunk',
    title: str(rule.name),
    status: str(rule.status).toLowerCase(),
    level: riskLevel(tags.risk_score),
    ruleId: str(rule.id),
    product: str(list(rule.data_source)[0]).toLowerCase(),
    ...ids.result(),
  };
}

/** The systems an Elastic rule's `OS: Linux`, `OS: Windows` … tags name, lower-cased, each once. */
export function elasticOsTags(tags: unknown): string[] {
  const out = new Set<string>();
  for (const t of Array.isArray(tags) ? tags : []) {
    const os = typeof t === 'string' ? /^OS:\s*(.+)$/i.exec(t.trim())?.[1]?.trim().toLowerCase() : undefined;
    if (os) out.add(os);
  }
  return [...out];
}

/**
 * Splunk risk scores (0–100) in Sigma's level words, on Elastic's severity thresholds (21/47/73/99).
 * Shared by the engine and the Splunk importer so both read a detection the same way.
 */
export function riskLevel(raw: unknown): string {
  if (typeof raw !== 'number' && (typeof raw !== 'string' || raw.trim() === '')) return '';
  const score = Number(raw);
  if (!Number.isFinite(score)) return '';
  if (score >= 99) return 'critical';
  if (score >= 73) return 'high';
  if (score >= 47) return 'medium';
  if (score >= 21) return 'low';
  return 'informational';
}

function elasticFacts(doc: Record<string, unknown>): EmbeddedRuleFacts | null {
  const rule = obj(doc.rule);
  if (!rule) return null;
  const meta = obj(doc.metadata) ?? {};
  const ids = techniqueCollector(parseBareId);
  for (const threat of list(rule.threat)) {
    for (const tech of list(obj(threat)?.technique)) {
      const t = obj(tech);
      ids.add(str(t?.id));
      for (const sub of list(t?.subtechnique)) ids.add(str(obj(sub)?.id));
    }
  }
  return {
    vendor: 'elastic',
    title: str(rule.name),
    status: str(meta.maturity).toLowerCase(),
    level: levelWord(str(rule.severity)),
    ruleId: str(rule.rule_id),
    product: str(list(meta.integration)[0]).toLowerCase(),
    ...ids.result(),
  };
}

/**
 * Reads the first embedded rule among a note's code blocks. Returns null when none is recognised.
 * Errors become `problem` so that one broken embedded rule never hides the note.
 */
export function embeddedRuleFacts(
  blocks: ReadonlyArray<Pick<CodeBlock, 'lang' | 'content' | 'start'>>,
  parseYaml: YamlParser,
): { facts: EmbeddedRuleFacts | null; problem?: string } {
  let problem: string | undefined;
  for (const b of blocks) {
    try {
      if (b.lang === 'yml' || b.lang === 'yaml' || b.lang === 'sigma') {
        const header = readSigmaHeader(b.content);
        if (header) return { facts: sigmaFacts(header, true) };
        const doc = obj(parseYaml(b.content));
        const facts = doc && (sigmaFacts(doc) ?? splunkFacts(doc));
        if (facts) return { facts };
      } else if (b.lang === 'toml') {
        const facts = elasticFacts(parseToml(b.content));
        if (facts) return { facts };
      }
    } catch (e) {
      problem ??= `embedded ${b.lang} rule at line ${b.start.line + 1} does not parse: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
  }
  return { facts: null, problem };
}

/** Frontmatter wins where it has a value: it is what the analyst sees and edits. */
export function mergeRuleMeta(front: RuleMeta, embedded: Partial<RuleMeta> | null): RuleMeta {
  if (!embedded) return front;
  const pick = (k: Exclude<keyof RuleMeta, 'techniques'>): string => front[k] || str(embedded[k]);
  return {
    title: pick('title'),
    vendor: pick('vendor'),
    status: pick('status'),
    level: pick('level'),
    product: pick('product'),
    service: pick('service'),
    category: pick('category'),
    ruleId: pick('ruleId'),
    techniques: [...(embedded.techniques ?? [])],
    ...(front.package ? { package: front.package } : {}),
  };
}

/** Does the frontmatter look like a rule, whatever folder or tags the note has? */
export function looksLikeRuleFrontmatter(fm: Record<string, unknown>): boolean {
  return 'logsrc_product' in fm || 'logsrc_service' in fm || 'logsrc_category' in fm || obj(fm.logsource) !== null;
}
