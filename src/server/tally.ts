/**
 * Counts by label values, kept as plain numbers and handed to prom-client when /metrics is
 * scraped. prom-client builds a string key from the label object and checks every label name on
 * each inc(), even through a labelled child; a review counts itself, each finding and each
 * skipped rule, so those counts are kept here, found through one map per label, and copied into
 * the counter only when someone reads it.
 */
export interface TallyEntry {
  readonly labels: Readonly<Record<string, string>>;
  n: number;
}

export class Tally {
  private readonly byFirst = new Map<string, Map<string, Map<string, TallyEntry>>>();
  /** In the order each combination was first counted: the order prom-client shows them in. */
  readonly entries: TallyEntry[] = [];

  /** `labelNames`: two or three, the order of the values given to add(). */
  constructor(private readonly labelNames: readonly [string, string] | readonly [string, string, string]) {}

  /** One more for these label values (`c` only when there are three labels). */
  add(a: string, b: string, c = ''): void {
    let second = this.byFirst.get(a);
    if (!second) this.byFirst.set(a, (second = new Map()));
    let third = second.get(b);
    if (!third) second.set(b, (third = new Map()));
    const entry = third.get(c);
    if (entry) {
      entry.n++;
      return;
    }
    const [first, secondName, thirdName] = this.labelNames;
    const labels: Record<string, string> = { [first]: a, [secondName]: b };
    if (thirdName !== undefined) labels[thirdName] = c;
    const created = { labels, n: 1 };
    third.set(c, created);
    this.entries.push(created);
  }
}

/** The collect() of a prom-client Counter whose values live in `tally`. */
export function collectTally(counter: { reset(): void; inc(labels: Record<string, string>, value: number): void }, tally: Tally): void {
  counter.reset();
  for (const e of tally.entries) counter.inc(e.labels, e.n);
}
