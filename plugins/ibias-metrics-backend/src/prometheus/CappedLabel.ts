/**
 * Every distinct label value is a time series that Prometheus keeps in memory and
 * on disk, so a label fed from data (a company id, a table name) must have a ceiling.
 * A `CappedLabel` maps raw values to at most `limit` own names plus {@link OTHER}.
 */

/** The label value every value past the cap becomes. */
export const OTHER = 'other';

/**
 * Maps raw values of one label to a bounded set of label values.
 *
 * Two modes:
 * - {@link CappedLabel.allowList}: the listed values keep their name, any other is
 *   `other`. Use it when the values are known in advance (table names, HTTP methods).
 * - {@link CappedLabel.firstSeen}: the first `limit` distinct values seen keep their
 *   name for the life of the process; every later new value is `other`.
 *
 * Why first-seen rather than "the N most frequent in a rolling window": a value that
 * lost its slot would leave a series behind that no longer moves (or, if removed, a
 * counter that resets and makes `rate()` lie), and the next value to win the slot
 * starts another series, so the number of series would grow with time instead of
 * staying at `limit + 1`. The price is that early values hold the slots; pick a limit
 * with room, and use an allow-list where the interesting values are known.
 */
export class CappedLabel {
  readonly #named: Set<string>;
  readonly #limit: number;
  readonly #growing: boolean;

  /** Only `values` keep their name; everything else is `other`. */
  static allowList(values: Iterable<string>): CappedLabel {
    const named = new Set(values);
    return new CappedLabel(named, named.size, false);
  }

  /** The first `limit` distinct values seen keep their name; later ones are `other`. */
  static firstSeen(limit: number): CappedLabel {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(
        `A label cap must be a whole number ≥ 0, got ${limit}`,
      );
    }
    return new CappedLabel(new Set(), limit, true);
  }

  private constructor(named: Set<string>, limit: number, growing: boolean) {
    this.#named = named;
    this.#limit = limit;
    this.#growing = growing;
  }

  /** The label value to record for `value`. */
  label(value: string): string {
    if (this.#named.has(value)) return value;
    if (this.#growing && this.#named.size < this.#limit) {
      this.#named.add(value);
      return value;
    }
    return OTHER;
  }

  /** How many values keep their own name (never more than the cap). */
  get namedCount(): number {
    return this.#named.size;
  }

  /** The most values that can keep their own name; `other` comes on top. */
  get limit(): number {
    return this.#limit;
  }
}
