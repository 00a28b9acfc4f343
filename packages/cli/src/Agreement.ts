/**
 * Agreement of found clusters with known classes (`--truth COL`): the adjusted Rand index and the
 * confusion table, what users check first.
 *
 * The adjusted Rand index (Hubert & Arabie 1985, "Comparing partitions", Journal of Classification
 * 2:193–218) is the Rand index corrected for chance: 1 for identical partitions (up to the names of
 * the groups), about 0 for independent ones; it can be negative. mclust's `adjustedRandIndex` and
 * scikit-learn's `adjusted_rand_score` compute the same number.
 *
 * @packageDocumentation
 */

/**
 * The agreement of k clusters with known classes.
 *
 * @category Reports
 * @since 0.2.0
 */
export interface Agreement {
  /** The adjusted Rand index. */
  readonly ari: number
  /** The classes, in order of first appearance. */
  readonly classes: readonly string[]
  /** Rows per class (row) and cluster (column): classes.length × k. */
  readonly confusion: ReadonlyArray<readonly number[]>
  /** The number of rows compared. */
  readonly n: number
}

const pairs = (m: number): number => (m * (m - 1)) / 2

/**
 * The adjusted Rand index and confusion table of cluster labels against known classes.
 *
 * @param truth the known class of every row (length n).
 * @param labels the cluster of every row, 0-based (length n).
 * @param k the number of clusters (columns of the table).
 * @example
 * ```ts
 * Agreement.agreement(['a', 'a', 'b', 'b'], [1, 1, 0, 0], 2).ari // 1
 * ```
 * @category Reports
 * @since 0.2.0
 */
export const agreement = (truth: readonly string[], labels: ArrayLike<number>, k: number): Agreement => {
  const n = truth.length
  const index = new Map<string, number>()
  const confusion: number[][] = []
  for (let i = 0; i < n; i++) {
    let r = index.get(truth[i]!)
    if (r === undefined) {
      r = confusion.length
      index.set(truth[i]!, r)
      confusion.push(new Array<number>(k).fill(0))
    }
    confusion[r]![labels[i]!]! += 1
  }
  let cells = 0
  let rows = 0
  const columns = new Array<number>(k).fill(0)
  for (const row of confusion) {
    let a = 0
    row.forEach((m, j) => {
      cells += pairs(m)
      a += m
      columns[j]! += m
    })
    rows += pairs(a)
  }
  const cols = columns.reduce((s, b) => s + pairs(b), 0)
  const expected = n < 2 ? 0 : (rows * cols) / pairs(n)
  const max = (rows + cols) / 2
  const ari = max === expected ? (cells === max ? 1 : 0) : (cells - expected) / (max - expected)
  return { ari, classes: [...index.keys()], confusion, n }
}

/**
 * The agreement as text lines: a summary, then the confusion table (classes down, clusters across).
 *
 * @param column the truth column's name.
 * @category Reports
 * @since 0.2.0
 */
export const agreementLines = (a: Agreement, column: string): string[] => {
  const k = a.confusion[0]?.length ?? 0
  const head = ['', ...Array.from({ length: k }, (_, j) => `component ${j}`)]
  const body = a.classes.map((c, r) => [c, ...a.confusion[r]!.map(String)])
  const widths = head.map((_, j) => Math.max(head[j]!.length, ...body.map((row) => row[j]!.length)))
  const line = (row: readonly string[]): string => row.map((x, j) => (j === 0 ? x.padEnd(widths[j]!) : x.padStart(widths[j]!))).join('  ')
  return [`agreement with ${column} (${a.n} rows): adjusted Rand index ${a.ari.toFixed(4)}`, line(head), ...body.map(line)]
}
