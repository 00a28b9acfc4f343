/** Test data of the multinomial package's engine and thread tests (not part of the package). */
import { Dataset, Rng } from '@emkit/core'

/**
 * 3000 documents over 5 words from two topics (seeded), each of 1–20 words, with sample weights
 * 1, 2, 3 repeating: counts, weights and a per-row coefficient that varies.
 */
export const topicDocuments = (): Dataset.Dataset => {
  const rng = Rng.seeded(8)
  const topics = [
    [0.5, 0.3, 0.1, 0.05, 0.05],
    [0.05, 0.05, 0.1, 0.3, 0.5],
  ]
  const rows = Array.from({ length: 3000 }, () => {
    const p = topics[rng.uniform() < 0.5 ? 0 : 1]!
    const counts = [0, 0, 0, 0, 0]
    const trials = 1 + rng.int(20)
    for (let t = 0; t < trials; t++) {
      let u = rng.uniform()
      let v = 0
      while (v < 4 && u >= p[v]!) u -= p[v++]!
      counts[v]!++
    }
    return counts
  })
  return Dataset.fromRowsOrThrow(rows, { sampleWeights: rows.map((_, i) => 1 + (i % 3)) })
}
