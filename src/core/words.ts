/** "1 rule", "3 rules", "2 matrices": a count with its noun, for every text the plugin and the CLI print. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
