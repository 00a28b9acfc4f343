/**
 * Seeded pseudo-random numbers. Every random choice in emkit (initialisation, restarts, re-seeding,
 * sampling) draws from an {@link Rng} passed in, so the same seed gives a bit-identical result.
 *
 * The generator is xoshiro128** (32-bit state words, fast and well tested), seeded through
 * splitmix32; doubles carry 53 random bits.
 *
 * @packageDocumentation
 */
import { EmException, invalidOptions } from './Errors.js'
import { show } from './Validate.js'

/**
 * A seeded random-number generator. Not cryptographic.
 *
 * @category Randomness
 * @since 0.1.0
 */
export interface Rng {
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number
  /** A uniform integer in [0, n). */
  int(n: number): number
  /** A standard normal deviate (Box–Muller, the spare value cached). */
  normal(): number
  /** A Gamma(shape, 1) deviate (Marsaglia–Tsang). */
  gamma(shape: number): number
  /** An exponential deviate with rate 1. */
  exponential(): number
  /** A Poisson deviate with the given mean. */
  poisson(mean: number): number
  /** A new generator whose stream is independent of this one's (seeded from this one). */
  split(): Rng
}

const splitmix32 = (seed: number): (() => number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

class Xoshiro128 implements Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare: number | undefined = undefined

  constructor(seed: number) {
    const sm = splitmix32(seed)
    this.a = sm()
    this.b = sm()
    this.c = sm()
    this.d = sm()
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1
  }

  private next32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  uniform(): number {
    const hi = this.next32() >>> 5 // 27 bits
    const lo = this.next32() >>> 6 // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992
  }

  int(n: number): number {
    return Math.floor(this.uniform() * n)
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare
      this.spare = undefined
      return s
    }
    let u = 0
    while (u === 0) u = this.uniform()
    const v = this.uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  gamma(shape: number): number {
    if (shape < 1) {
      let u = 0
      while (u === 0) u = this.uniform()
      return this.gamma(shape + 1) * Math.pow(u, 1 / shape)
    }
    const d = shape - 1 / 3
    const c = 1 / Math.sqrt(9 * d)
    for (;;) {
      let x: number
      let v: number
      do {
        x = this.normal()
        v = 1 + c * x
      } while (v <= 0)
      v = v * v * v
      const u = this.uniform()
      if (u < 1 - 0.0331 * x * x * x * x) return d * v
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
    }
  }

  exponential(): number {
    let u = 0
    while (u === 0) u = this.uniform()
    return -Math.log(u)
  }

  poisson(mean: number): number {
    if (mean <= 0) return 0
    if (mean < 30) {
      const l = Math.exp(-mean)
      let k = 0
      let p = 1
      do {
        k++
        p *= this.uniform()
      } while (p > l)
      return k - 1
    }
    // Split a large mean into pieces: a sum of independent Poissons is Poisson.
    const half = mean / 2
    return this.poisson(half) + this.poisson(mean - half)
  }

  split(): Rng {
    return new Xoshiro128(this.next32() ^ Math.imul(this.next32(), 0x27d4eb2d))
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0

/**
 * A seeded generator. The same seed gives the same stream on every platform.
 *
 * @example
 * ```ts
 * const rng = Rng.seeded(42)
 * rng.uniform() // same value every run
 * ```
 * @throws {@link EmException} (`InvalidOptions` naming `seed`) when `seed` is not a finite number
 *   (a string or `NaN` would otherwise silently seed 0).
 * @category Randomness
 * @since 0.1.0
 */
export const seeded = (seed: number): Rng => {
  if (typeof seed !== 'number' || !Number.isFinite(seed))
    throw new EmException(invalidOptions('seed', `seed must be a finite number, got ${show(seed)}`))
  return new Xoshiro128(Math.trunc(seed) >>> 0)
}
