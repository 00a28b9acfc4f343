/**
 * Topics in short documents, fitted by a mixture of multinomials (a bag-of-words clustering).
 *
 * 360 synthetic documents of 6–14 words each are drawn from three topics over a 15-word
 * vocabulary; each document belongs to one topic. A 3-component multinomial mixture finds the
 * topics; we print each fitted topic's top words and match it to the true topic.
 *
 * Run: `npx tsc -b && node scripts/run-examples.mjs multinomial-topics`
 */
import { Dataset, Mixture, Rng } from '@emkit/core'
import * as Multinomial from '@emkit/multinomial'
import { check, fmt } from '../shared/check.js'

// #region data
const vocabulary = [
  'goal',
  'team',
  'coach',
  'match',
  'score',
  'oven',
  'flour',
  'bake',
  'salt',
  'recipe',
  'bank',
  'loan',
  'stock',
  'market',
  'rate',
]
const V = vocabulary.length
/** A topic: 80% of its mass on its five words, the rest spread over the whole vocabulary. */
const topic = (words: string[]): number[] => vocabulary.map((w) => (words.includes(w) ? 0.8 / words.length : 0) + 0.2 / V)
const truth = [
  { name: 'sports', p: topic(['goal', 'team', 'coach', 'match', 'score']) },
  { name: 'baking', p: topic(['oven', 'flour', 'bake', 'salt', 'recipe']) },
  { name: 'finance', p: topic(['bank', 'loan', 'stock', 'market', 'rate']) },
]
const rng = Rng.seeded(11)
const n = 360
const counts = new Float64Array(n * V)
const topics = new Int32Array(n)
for (let i = 0; i < n; i++) {
  const t = rng.int(3)
  topics[i] = t
  const length = 6 + rng.int(9)
  for (let w = 0; w < length; w++) {
    let u = rng.uniform()
    let v = 0
    while (v < V - 1 && u >= truth[t]!.p[v]!) u -= truth[t]!.p[v++]!
    counts[i * V + v]! += 1
  }
}
const data = Dataset.fromFlat(counts, V, { columns: vocabulary })
if (data._tag === 'Left') throw new Error(data.left.message)
// #endregion data

// #region fit
const family = Multinomial.family() // smoothing 0: exact maximum likelihood
const fit = Mixture.fitOrThrow(family, data.right, { k: 3, restarts: 10, seed: 3 })
console.log(
  `log-likelihood ${fmt(fit.logLikelihood, 8)} (multinomial coefficient included), BIC ${fmt(fit.bic, 8)}, ${fit.parameters} free parameters`,
)
// #endregion fit
check(fit.parameters === 3 * (V - 1) + 2, 'free parameters k·(V − 1) + k − 1')

// #region topics
const topWords = (p: ArrayLike<number>, m = 5): string[] =>
  Array.from({ length: V }, (_, v) => v)
    .sort((a, b) => p[b]! - p[a]!)
    .slice(0, m)
    .map((v) => vocabulary[v]!)
const matched = new Set<number>()
fit.params.components.forEach((c, j) => {
  // Match a fitted topic to the true topic closest in total-variation distance.
  const tv = truth.map((t) => 0.5 * t.p.reduce((s, p, v) => s + Math.abs(p - c.probabilities[v]!), 0))
  const best = tv.indexOf(Math.min(...tv))
  matched.add(best)
  console.log(
    `topic ${j} (weight ${fmt(fit.params.weights[j]!, 3)}): ${topWords(c.probabilities).join(', ')}  → ${truth[best]!.name} (TV distance ${fmt(tv[best]!, 2)})`,
  )
  check(tv[best]! < 0.1, `fitted topic ${j} is within 0.1 of a true topic in total variation`)
  check(
    topWords(c.probabilities).sort().join() === topWords(truth[best]!.p).sort().join(),
    `fitted topic ${j} has the top words of ${truth[best]!.name}`,
  )
})
// #endregion topics
check(matched.size === 3, 'each true topic is found once')

const labels = Mixture.predictOrThrow(family, fit.params, data.right)
const toTruth = fit.params.components.map((c) => {
  const tv = truth.map((t) => t.p.reduce((s, p, v) => s + Math.abs(p - c.probabilities[v]!), 0))
  return tv.indexOf(Math.min(...tv))
})
let agree = 0
for (let i = 0; i < n; i++) if (toTruth[labels[i]!] === topics[i]) agree++
console.log(`documents assigned to their true topic: ${agree} of ${n}`)
check(agree / n > 0.9, 'at least 90% of documents are assigned to their true topic')
