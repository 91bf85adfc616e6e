/**
 * Which log events a rule reads (domain.md §7): from its logsource first (category → Sysmon / PowerShell
 * EventIDs, service → channel), then narrowed or extended by the `EventID` values its detection names.
 * The tables are data (`data/events.json`).
 */
import table from './data/events.json';
import { normaliseField, type FieldOverrides } from './fields';
import type { Predicate } from './sigma';

export interface LogSource {
  product?: string;
  service?: string;
  category?: string;
}

export interface RuleEvent {
  provider: string;
  eventId: number;
  /** '' when no table knows the event. */
  title: string;
  /** `logsource`: implied by the logsource alone; `condition`: named by an `EventID` in the detection. */
  via: 'logsource' | 'condition';
  /** An equivalent event from another source (Security 4688 for Sysmon 1), for the UI to offer as a choice. */
  alternative?: boolean;
  /** The title (or the provider, for services the tables do not know) is not checked against a primary source. */
  unverified?: boolean;
  channel?: string;
}

interface EventInfo { id: number; title: string; channel?: string; unverified?: boolean }
interface ProviderInfo { channel: string; events: EventInfo[] }
interface Source { provider: string; ids: number[]; alternative?: boolean }
interface ServiceInfo { provider: string; ids?: number[] }
interface EventTables {
  providers: Record<string, ProviderInfo>;
  categories: Record<string, Record<string, Source[]>>;
  services: Record<string, Record<string, ServiceInfo>>;
}

export const EVENT_TABLES = table as unknown as EventTables;

const lower = (v: unknown): string => (typeof v === 'string' ? v.trim().toLowerCase() : '');
const own = <T>(rec: Record<string, T> | undefined, key: string): T | undefined =>
  rec && Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;

/** Title and channel of one event, when the tables know it. */
export function eventInfo(provider: string, eventId: number): EventInfo | undefined {
  return own(EVENT_TABLES.providers, provider)?.events.find((e) => e.id === eventId);
}

interface Candidate { provider: string; id: number; alternative?: boolean; unverifiedProvider?: boolean }

/** The events a logsource implies on its own, and the providers to try for EventIDs it does not list. */
function fromLogsource(ls: LogSource): { events: Candidate[]; providers: string[]; unknownService: boolean } {
  const product = lower(ls.product);
  const category = lower(ls.category);
  const service = lower(ls.service);
  const events: Candidate[] = [];
  const providers: string[] = [];
  let unknownService = false;
  for (const src of own(own(EVENT_TABLES.categories, product), category) ?? []) {
    for (const id of src.ids) events.push({ provider: src.provider, id, ...(src.alternative ? { alternative: true } : {}) });
    providers.push(src.provider);
  }
  // Services are Windows channels; rules sometimes leave the product out.
  if (service && (product === 'windows' || product === '')) {
    const svc = own(EVENT_TABLES.services['windows'], service);
    if (svc) {
      providers.unshift(svc.provider);
      for (const id of svc.ids ?? []) events.push({ provider: svc.provider, id });
    } else if (product === 'windows') {
      // A channel the taxonomy knows but our tables do not: name it after the service.
      providers.unshift(service);
      unknownService = true;
    }
  }
  return { events, providers, unknownService };
}

/** `EventID` values (any vendor spelling) compared with `eq` in the detection, split by negation. */
function explicitIds(predicates: readonly Predicate[], overrides?: FieldOverrides): { pos: number[]; neg: Set<number> } {
  const pos: number[] = [];
  const neg = new Set<number>();
  for (const p of predicates) {
    if (p.field === null || p.op !== 'eq' || !/^\d+$/.test(p.value.trim())) continue;
    if (normaliseField(p.field, overrides) !== 'EventID') continue;
    const id = Number(p.value.trim());
    if (p.negated) neg.add(id);
    else if (!pos.includes(id)) pos.push(id);
  }
  return { pos: pos.sort((a, b) => a - b), neg };
}

function toEvent(c: Candidate, via: RuleEvent['via']): RuleEvent {
  const info = eventInfo(c.provider, c.id);
  const channel = info?.channel ?? own(EVENT_TABLES.providers, c.provider)?.channel;
  return {
    provider: c.provider,
    eventId: c.id,
    title: info?.title ?? '',
    via,
    ...(c.alternative ? { alternative: true } : {}),
    ...(!info || info.unverified || c.unverifiedProvider ? { unverified: true } : {}),
    ...(channel ? { channel } : {}),
  };
}

/**
 * Events a rule reads. Without `EventID` values in its detection, that is what the logsource implies
 * (minus IDs it explicitly excludes); with them, exactly those IDs, taken from the logsource's events
 * where they match and otherwise attributed to the logsource's provider.
 */
export function eventsForRule(logsource: LogSource, predicates: readonly Predicate[], overrides?: FieldOverrides): RuleEvent[] {
  const ls = fromLogsource(logsource ?? {});
  const { pos, neg } = explicitIds(predicates ?? [], overrides);
  if (pos.length === 0) return ls.events.filter((c) => !neg.has(c.id)).map((c) => toEvent(c, 'logsource'));

  const out: RuleEvent[] = [];
  for (const id of pos) {
    const matches = ls.events.filter((c) => c.id === id);
    if (matches.length > 0) {
      // Named explicitly, the event is no longer just an alternative.
      out.push(...matches.map((c) => toEvent({ ...c, alternative: false }, 'condition')));
      continue;
    }
    // Prefer a logsource provider whose table knows the ID; without a logsource provider, any table that does.
    const known = ls.providers.find((p) => eventInfo(p, id));
    const anywhere = ls.providers.length === 0 ? Object.keys(EVENT_TABLES.providers).find((p) => eventInfo(p, id)) : undefined;
    const provider = known ?? anywhere ?? ls.providers[0] ?? 'Unknown';
    out.push(toEvent({ provider, id, unverifiedProvider: ls.unknownService && provider === ls.providers[0] }, 'condition'));
  }
  return out;
}
