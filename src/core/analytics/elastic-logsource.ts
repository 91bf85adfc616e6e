/**
 * The Sigma-style log sources an Elastic rule reads, so that its events can be looked up in the same
 * tables as a Sigma rule's (domain.md §7, §8). Elastic names them only indirectly: the EQL event category
 * (`process where …`) or an `event.category` condition, `event.type` for the kind of event, `host.os.type`
 * for the platform, and the `index` patterns (`logs-endpoint.events.process-*`, `winlogbeat-*`).
 * Nothing is guessed beyond that: a rule that names no category (`any where …` alone) gets none.
 */
import { stringValues } from '../note';
import { elasticOsTags } from '../rules';
import type { LogSource } from './events';
import type { Predicate } from './sigma';

/** Elastic event category (+ event.type) → Sigma logsource category. The first matching type wins. */
const CATEGORIES: Record<string, Array<{ types?: string[]; category: string }>> = {
  process: [{ types: ['end'], category: 'process_termination' }, { category: 'process_creation' }],
  network: [{ category: 'network_connection' }],
  dns: [{ category: 'dns_query' }],
  file: [{ types: ['deletion'], category: 'file_delete' }, { category: 'file_event' }],
  registry: [{ category: 'registry_event' }],
  library: [{ category: 'image_load' }],
  driver: [{ category: 'driver_load' }],
};

/** `logs-endpoint.events.<category>-*`: Elastic Defend's per-category data streams. */
const ENDPOINT_STREAM = /^logs-endpoint\.events\.([a-z]+)-/;
/** Index patterns that only hold Windows events. */
const WINDOWS_INDEX = /^(winlogbeat-|logs-windows\.|logs-system\.security|logs-system\.system)/;
const PLATFORMS = new Set(['windows', 'linux', 'macos']);


/** Values a field is required to equal (not under `not`), lower-cased. */
function required(predicates: readonly Predicate[], field: string): string[] {
  const out = new Set<string>();
  for (const p of predicates) if (p.field?.toLowerCase() === field && p.op === 'eq' && !p.negated) out.add(p.value.trim().toLowerCase());
  return [...out];
}

/**
 * The log sources of an Elastic rule (its `[rule]` table), one per Sigma category it reads and platform;
 * empty when the rule says neither what kind of events it reads nor where they come from. The platforms
 * are the rule's `host.os.type` values, else its index patterns', else its `OS:` tags, else
 * `fallbackProduct` (the note's). `anyStepCategories`: the `event.category` values `any where` steps require.
 */
export function elasticLogSources(
  rule: Record<string, unknown>,
  predicates: readonly Predicate[],
  eqlCategories: readonly string[] = [],
  fallbackProduct?: string,
  anyStepCategories: readonly string[] = [],
): LogSource[] {
  const indexes = stringValues(rule.index).map((i) => i.toLowerCase());
  const os = required(predicates, 'host.os.type').filter((o) => PLATFORMS.has(o));
  const fromIndex = indexes.length > 0 && indexes.every((i) => WINDOWS_INDEX.test(i)) ? 'windows' : undefined;
  // The rule's `OS: Linux`, `OS: Windows` … tags: a cross-platform rule reads each platform's events.
  const tagged = elasticOsTags(rule.tags).filter((o) => PLATFORMS.has(o));
  const fallback = fallbackProduct?.toLowerCase();
  const products = os.length > 0 ? os : fromIndex ? [fromIndex] : tagged.length > 0 ? tagged : fallback ? [fallback] : [];

  const streams = [...new Set(indexes.map((i) => ENDPOINT_STREAM.exec(i)?.[1]).filter((c): c is string => !!c))];
  // An `any` step's categories are often alternatives for other data sources (`event.category == "process"`
  // for Endgame's image loads): when the rule's Elastic Defend streams say which it reads, only those.
  const inStreams = (k: string): boolean => streams.includes(k === 'dns' ? 'network' : k); // DNS events are in the network stream
  const named = anyStepCategories.some(inStreams) ? anyStepCategories.filter(inStreams) : anyStepCategories;
  let kinds = [...new Set([...eqlCategories, ...named])];
  if (kinds.length === 0) kinds = required(predicates, 'event.category');
  if (kinds.length === 0) kinds = streams;
  const types = required(predicates, 'event.type');

  const categories = new Set<string>();
  for (const kind of kinds) {
    const rows = CATEGORIES[kind];
    const row = rows?.find((r) => !r.types || r.types.some((t) => types.includes(t)));
    if (row) categories.add(row.category);
  }
  if (products.length === 0) return [...categories].map((category) => ({ category }));
  return [...categories].flatMap((category) => products.map((product) => ({ product, category })));
}
