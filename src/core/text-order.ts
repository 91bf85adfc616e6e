/**
 * `a.localeCompare(b)` without its cost: with no locale or options, localeCompare is specified to compare
 * as a default `Intl.Collator` does, but engines may set one up on every call. Sorting thousands of rule
 * titles (scan, report, panels) is where that shows.
 */
export const compareText: (a: string, b: string) => number = new Intl.Collator().compare;

/** By `path` in code-unit order: stable across machines and locales, as vault paths and reports need. */
export const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** By `id` in code-unit order (`T1059` before `T1059.001` before `T1078`). */
export const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
