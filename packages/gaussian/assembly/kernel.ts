// The WebAssembly SIMD kernel of the Gaussian family (AssemblyScript, 128-bit SIMD, f64x2).
//
// Compiled from source by `scripts/build-kernel.mjs` (run by `pnpm install` / `pnpm build`) into a
// base64 module embedded in the package (src/internal/kernel.generated.ts); loaded synchronously by
// src/internal/wasm.ts, which lays out linear memory and calls `fold` once per sub-block of rows.
//
// One call folds one block of m rows: the rows are transposed (column-major, so that the two lanes
// of a vector are two rows), the k log-densities are computed, normalised into responsibilities
// (log-sum-exp, the exp below) and each component's weighted moments about a pivot row are
// accumulated. Every floating-point operation of the log-densities, the exp and the normalisation is
// performed in the same order as the plain TypeScript kernels (no FMA, no reassociation), so the
// log-densities and responsibilities are bit-identical to them; the moments are summed in another
// order (two rows per lane, blocks of rows), so the statistics agree to rounding (≈1e-16 relative).

// ---------------------------------------------------------------------------------------------
// log(x): fdlibm's __ieee754_log (Sun Microsystems, 1993; the algorithm of V8's Math.log), operation
// for operation, so that each row's log-likelihood is the one the plain kernels give (tested
// bit-identical to Math.log), without a call out of WebAssembly per row.

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const TWO54: f64 = 1.80143985094819840000e+16;
const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

export function fdlog(v: f64): f64 {
  let x = v;
  let bits = reinterpret<i64>(x);
  let hx = <i32>(bits >> 32);
  const lx = <u32>bits;
  let k: i32 = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = <i32>(reinterpret<i64>(x) >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  x = reinterpret<f64>((<i64>(hx | (i0 ^ 0x3ff00000)) << 32) | (reinterpret<i64>(x) & 0xffffffff));
  k += i0 >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) {
      if (k == 0) return 0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/**
 * fdlog of two lanes without branches: both of fdlog's general paths are computed and one is
 * selected per lane (with k = 0 they give what fdlog's k = 0 shortcuts give, bit for bit: x − 0 and
 * 0 − y are exact). A pair with a lane that needs a special path (|x − 1| < 2⁻²⁰ after scaling,
 * zero, negative, subnormal, infinite or NaN) goes to the scalar fdlog.
 */
@inline
function vlog(v: v128): v128 {
  const high = i64x2.shr_s(v, 32);
  const hx = v128.and(high, i64x2.splat(0x000fffff));
  const special = v128.or(
    v128.or(i64x2.lt_s(high, i64x2.splat(0x00100000)), i64x2.ge_s(high, i64x2.splat(0x7ff00000))),
    i64x2.lt_s(v128.and(i64x2.add(hx, i64x2.splat(2)), i64x2.splat(0x000fffff)), i64x2.splat(3)),
  );
  if (v128.any_true(special)) {
    return f64x2.replace_lane(f64x2.splat(fdlog(f64x2.extract_lane(v, 0))), 1, fdlog(f64x2.extract_lane(v, 1)));
  }
  const i0 = v128.and(i64x2.add(hx, i64x2.splat(0x95f64)), i64x2.splat(0x100000));
  const k = i64x2.add(i64x2.sub(i64x2.shr_s(high, 20), i64x2.splat(1023)), i64x2.shr_s(i0, 20));
  const x = v128.or(i64x2.shl(v128.or(hx, v128.xor(i0, i64x2.splat(0x3ff00000))), 32), v128.and(v, i64x2.splat(0xffffffff)));
  const f = f64x2.sub(x, f64x2.splat(1.0));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const dk = f64x2.convert_low_i32x4_s(i32x4.shuffle(k, k, 0, 2, 0, 2));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const i = v128.or(i64x2.sub(hx, i64x2.splat(0x6147a)), i64x2.sub(i64x2.splat(0x6b851), hx));
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(LG2), f64x2.mul(w, f64x2.add(f64x2.splat(LG4), f64x2.mul(w, f64x2.splat(LG6))))));
  const t2 = f64x2.mul(
    z,
    f64x2.add(f64x2.splat(LG1), f64x2.mul(w, f64x2.add(f64x2.splat(LG3), f64x2.mul(w, f64x2.add(f64x2.splat(LG5), f64x2.mul(w, f64x2.splat(LG7))))))),
  );
  const R = f64x2.add(t2, t1);
  const hi = f64x2.mul(dk, f64x2.splat(LN2_HI));
  const lo = f64x2.mul(dk, f64x2.splat(LN2_LO));
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  // i > 0: dk·ln2hi − ((hfsq − (s·(hfsq + R) + dk·ln2lo)) − f)
  const a = f64x2.sub(hi, f64x2.sub(f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), lo)), f));
  // i ≤ 0: dk·ln2hi − ((s·(f − R) − dk·ln2lo) − f)
  const b = f64x2.sub(hi, f64x2.sub(f64x2.sub(f64x2.mul(s, f64x2.sub(f, R)), lo), f));
  return v128.bitselect(a, b, i64x2.gt_s(i, i64x2.splat(0)));
}

/** log of `n` doubles at `src` into `dst` (pairs by vlog, an odd last one by fdlog): for the test against Math.log. */
export function logArray(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(dst + (<usize>i << 3), vlog(v128.load(src + (<usize>i << 3))));
  if (i < n) store<f64>(dst + (<usize>i << 3), fdlog(load<f64>(src + (<usize>i << 3))));
}

// Structures (the `structure` argument of `fold`).
const FULL: i32 = 0;
const DIAG: i32 = 1;
const SPHERICAL: i32 = 2;
const TIED: i32 = 3;

// Memory layout (byte offsets), set once per (rows, d, k) by `layout`.
let FRACTION: usize = 0; // 2^(j/32), j = 0 … 31, written by the host (Math.pow)
let X: usize = 0; // m × d rows as given (row-major)
let XT: usize = 0; // d × mp, transposed (mp = m rounded up to 4, padded with zeros)
let RESP: usize = 0; // k × mp: log-densities, then responsibilities
let G: usize = 0; // mp: the weights of one component's moments (responsibility × sample weight)
let SW: usize = 0; // mp: sample weights (when weighted)
let BASE: usize = 0; // mp: log base measure (when given)
let MU: usize = 0; // k × d means
let PREC: usize = 0; // k × d × d precision Cholesky factors (row-major, lower)
let CONST: usize = 0; // k: −(d/2)·log 2π + log det L⁻¹ (per component)
let LOGW: usize = 0; // k: log mixing weights
let Y: usize = 0; // 4·d scratch: the centred coordinates of four rows
let YT: usize = 0; // d × mp: whitened rows (tied)
let MT: usize = 0; // k × d: whitened means (tied)
let ROWMAX: usize = 0; // mp
let ROWSUM: usize = 0; // mp
let SUMS: usize = 0; // 5: Σ w log p, Σ w log max γ, Σ w, positive rows (running), first impossible row of the call
let MOM: usize = 0; // k × (3 + d + d·d): first row, pivot row, w, Σ g z (d), Σ g z zᵀ (d·d or d)
let ZT: usize = 0; // dp × SB: centred rows of a sub-block of the moments (augmented by 1)
let GZ: usize = 0; // dp × SB: the same times the weights
let ACC: usize = 0; // dp × dp × 2 lanes
let PIVOT: usize = 0; // d

// Which phases `fold` runs (bits: 1 log-densities, 2 normalisation, 4 moments): all but for the
// benchmark's profile of the shares of each (bench/kernels.mjs), which times 1, 3 and 7.
let PHASES: i32 = 7;

export function setPhases(phases: i32): void {
  PHASES = phases;
}

/** The first byte free for the host's layout. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

export function layout(
  fraction: usize, x: usize, xt: usize, resp: usize, g: usize, sw: usize, base: usize, mu: usize, prec: usize,
  cst: usize, logw: usize, y: usize, yt: usize, mt: usize, rowmax: usize, rowsum: usize, sums: usize,
  mom: usize, zt: usize, gz: usize, acc: usize, pivot: usize,
): void {
  FRACTION = fraction; X = x; XT = xt; RESP = resp; G = g; SW = sw; BASE = base; MU = mu; PREC = prec;
  CONST = cst; LOGW = logw; Y = y; YT = yt; MT = mt; ROWMAX = rowmax; ROWSUM = rowsum; SUMS = sums;
  MOM = mom; ZT = zt; GZ = gz; ACC = acc; PIVOT = pivot;
}

// ---------------------------------------------------------------------------------------------
// exp(x) for x ≤ 0, two lanes: the algorithm of core's expNonPositive, operation for operation.
// x = kn·ln2/32 + r (Cody–Waite), exp(r) by its degree-6 Taylor polynomial, times 2^(−whole) (built
// from its exponent bits, exact) and 2^(frac/32) (table). Below −708 the result is 0 (no subnormal).

const INV_LN2_32: f64 = 32 / Math.LN2;
const LN2_HI_32: f64 = 6.9314718036912381649e-1 / 32;
const LN2_LO_32: f64 = 1.90821492927058770002e-10 / 32;
const ROUND: f64 = 6755399441055744.0;

@inline
function expv(v: v128): v128 {
  // Lanes below −708 are computed at −708 (and replaced by 0 at the end): computing them as they
  // are would build 2^(−whole) from an exponent field out of range, whose products can be
  // subnormal and take the processor's slow path.
  const x = f64x2.max(v, f64x2.splat(-708));
  const kn = f64x2.sub(f64x2.add(f64x2.mul(x, f64x2.splat(INV_LN2_32)), f64x2.splat(ROUND)), f64x2.splat(ROUND));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kn, f64x2.splat(LN2_HI_32))), f64x2.mul(kn, f64x2.splat(LN2_LO_32)));
  let p = f64x2.add(f64x2.splat(1.0 / 120), f64x2.mul(r, f64x2.splat(1.0 / 720)));
  p = f64x2.add(f64x2.splat(1.0 / 24), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0 / 6), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, p));
  const n = i32x4.neg(i32x4.trunc_sat_f64x2_s_zero(kn));
  const whole = i32x4.shr_s(i32x4.add(n, i32x4.splat(31)), 5);
  const frac = i32x4.sub(i32x4.shl(whole, 5), n);
  const power = i64x2.shl(i64x2.sub(i64x2.splat(1023), i64x2.extend_low_i32x4_s(whole)), 52);
  const f0 = load<f64>(FRACTION + ((<usize>(i32x4.extract_lane(frac, 0) & 31)) << 3));
  const f1 = load<f64>(FRACTION + ((<usize>(i32x4.extract_lane(frac, 1) & 31)) << 3));
  const scale = f64x2.mul(power, f64x2.replace_lane(f64x2.splat(f0), 1, f1));
  const e = f64x2.mul(scale, p);
  return v128.bitselect(f64x2.splat(0), e, f64x2.lt(v, f64x2.splat(-708)));
}

/** exp of `n` doubles at `src` into `dst` (n even): for the accuracy test. */
export function expArray(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 2) v128.store(dst + (<usize>i << 3), expv(v128.load(src + (<usize>i << 3))));
}

// ---------------------------------------------------------------------------------------------
// Transpose and E-step.

function transpose(m: i32, mp: i32, d: i32): void {
  for (let c = 0; c < d; c++) {
    const to = XT + (<usize>(c * mp) << 3);
    for (let i = 0; i < m; i++) store<f64>(to + (<usize>i << 3), load<f64>(X + (<usize>(i * d + c) << 3)));
    for (let i = m; i < mp; i++) store<f64>(to + (<usize>i << 3), 0);
  }
}

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 3);
}

/** out = base − ½‖L⁻¹(x − μ)‖², four rows at a time, two rows of L⁻¹ at a time (as logDensityFull). */
function logDensityFull(mp: i32, d: i32, k: i32): void {
  for (let j = 0; j < k; j++) {
    const mu = at(MU, j * d);
    const p = at(PREC, j * d * d);
    const base = f64x2.splat(load<f64>(at(CONST, j)));
    const half = f64x2.splat(0.5);
    const out = at(RESP, j * mp);
    for (let i = 0; i < mp; i += 4) {
      for (let c = 0; c < d; c++) {
        const m = f64x2.splat(load<f64>(at(mu, c)));
        const src = at(XT, c * mp + i);
        v128.store(Y + (<usize>c << 5), f64x2.sub(v128.load(src), m));
        v128.store(Y + (<usize>c << 5), f64x2.sub(v128.load(src, 16), m), 16);
      }
      let q0 = f64x2.splat(0);
      let q1 = f64x2.splat(0);
      let r = 0;
      for (; r + 1 < d; r += 2) {
        const pr = at(p, r * d);
        const ps = at(p, r * d + d);
        let a0 = f64x2.splat(0);
        let a1 = f64x2.splat(0);
        let b0 = f64x2.splat(0);
        let b1 = f64x2.splat(0);
        for (let c = 0; c <= r; c++) {
          const u = f64x2.splat(load<f64>(pr + (<usize>c << 3)));
          const v = f64x2.splat(load<f64>(ps + (<usize>c << 3)));
          const y0 = v128.load(Y + (<usize>c << 5));
          const y1 = v128.load(Y + (<usize>c << 5), 16);
          a0 = f64x2.add(a0, f64x2.mul(u, y0));
          a1 = f64x2.add(a1, f64x2.mul(u, y1));
          b0 = f64x2.add(b0, f64x2.mul(v, y0));
          b1 = f64x2.add(b1, f64x2.mul(v, y1));
        }
        const v = f64x2.splat(load<f64>(ps + (<usize>(r + 1) << 3)));
        b0 = f64x2.add(b0, f64x2.mul(v, v128.load(Y + (<usize>(r + 1) << 5))));
        b1 = f64x2.add(b1, f64x2.mul(v, v128.load(Y + (<usize>(r + 1) << 5), 16)));
        q0 = f64x2.add(q0, f64x2.mul(a0, a0));
        q0 = f64x2.add(q0, f64x2.mul(b0, b0));
        q1 = f64x2.add(q1, f64x2.mul(a1, a1));
        q1 = f64x2.add(q1, f64x2.mul(b1, b1));
      }
      if (r < d) {
        const pr = at(p, r * d);
        let a0 = f64x2.splat(0);
        let a1 = f64x2.splat(0);
        for (let c = 0; c <= r; c++) {
          const u = f64x2.splat(load<f64>(pr + (<usize>c << 3)));
          a0 = f64x2.add(a0, f64x2.mul(u, v128.load(Y + (<usize>c << 5))));
          a1 = f64x2.add(a1, f64x2.mul(u, v128.load(Y + (<usize>c << 5), 16)));
        }
        q0 = f64x2.add(q0, f64x2.mul(a0, a0));
        q1 = f64x2.add(q1, f64x2.mul(a1, a1));
      }
      v128.store(at(out, i), f64x2.sub(base, f64x2.mul(half, q0)));
      v128.store(at(out, i), f64x2.sub(base, f64x2.mul(half, q1)), 16);
    }
  }
}

/** out = base − ½ Σ_c (L⁻¹_cc (x_c − μ_c))² (diag) or base − (½σ⁻²)·Σ_c (x_c − μ_c)² (spherical). */
function logDensityDiagonal(mp: i32, d: i32, k: i32, spherical: bool): void {
  for (let j = 0; j < k; j++) {
    const mu = at(MU, j * d);
    const p = at(PREC, j * d * d);
    const base = f64x2.splat(load<f64>(at(CONST, j)));
    const p0 = load<f64>(p);
    const factor = f64x2.splat(spherical ? 0.5 * (p0 * p0) : 0.5);
    const out = at(RESP, j * mp);
    for (let i = 0; i < mp; i += 2) {
      let q = f64x2.splat(0);
      for (let c = 0; c < d; c++) {
        let z = f64x2.sub(v128.load(at(XT, c * mp + i)), f64x2.splat(load<f64>(at(mu, c))));
        if (!spherical) z = f64x2.mul(f64x2.splat(load<f64>(at(p, c * d + c))), z);
        q = f64x2.add(q, f64x2.mul(z, z));
      }
      v128.store(at(out, i), f64x2.sub(base, f64x2.mul(factor, q)));
    }
  }
}

/** Tied: yᵢ = L⁻¹(xᵢ − μ₀) once per row, mⱼ = L⁻¹(μⱼ − μ₀), out = base − ½‖yᵢ − mⱼ‖² (as logDensityTied). */
function logDensityTied(mp: i32, d: i32, k: i32): void {
  const p = PREC;
  for (let r = 0; r < d; r++) {
    for (let i = 0; i < mp; i += 2) {
      let z = f64x2.splat(0);
      for (let c = 0; c <= r; c++) {
        const y = f64x2.sub(v128.load(at(XT, c * mp + i)), f64x2.splat(load<f64>(at(MU, c))));
        z = f64x2.add(z, f64x2.mul(f64x2.splat(load<f64>(at(p, r * d + c))), y));
      }
      v128.store(at(YT, r * mp + i), z);
    }
  }
  for (let j = 0; j < k; j++) {
    for (let r = 0; r < d; r++) {
      let z: f64 = 0;
      for (let c = 0; c <= r; c++) z += load<f64>(at(p, r * d + c)) * (load<f64>(at(MU, j * d + c)) - load<f64>(at(MU, c)));
      store<f64>(at(MT, j * d + r), z);
    }
  }
  const half = f64x2.splat(0.5);
  for (let j = 0; j < k; j++) {
    const base = f64x2.splat(load<f64>(at(CONST, j)));
    const out = at(RESP, j * mp);
    for (let i = 0; i < mp; i += 2) {
      let q = f64x2.splat(0);
      for (let r = 0; r < d; r++) {
        const z = f64x2.sub(v128.load(at(YT, r * mp + i)), f64x2.splat(load<f64>(at(MT, j * d + r))));
        q = f64x2.add(q, f64x2.mul(z, z));
      }
      v128.store(at(out, i), f64x2.sub(base, f64x2.mul(half, q)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Normalisation: core's normalizeBlock, operation for operation.

function normalize(m: i32, mp: i32, k: i32, weighted: bool, based: bool): void {
  const ninf = f64x2.splat(-Infinity);
  for (let i = 0; i < mp; i += 2) v128.store(at(ROWMAX, i), ninf);
  for (let j = 0; j < k; j++) {
    const o = at(RESP, j * mp);
    const lw = f64x2.splat(load<f64>(at(LOGW, j)));
    for (let i = 0; i < mp; i += 2) {
      const v = f64x2.add(v128.load(at(o, i)), lw);
      v128.store(at(o, i), v);
      const mx = v128.load(at(ROWMAX, i));
      // `v > max ? v : max`, as the plain loop's comparison (NaN never replaces the maximum).
      v128.store(at(ROWMAX, i), v128.bitselect(v, mx, f64x2.gt(v, mx)));
    }
  }
  for (let i = 0; i < mp; i += 2) v128.store(at(ROWSUM, i), f64x2.splat(0));
  for (let j = 0; j < k; j++) {
    const o = at(RESP, j * mp);
    for (let i = 0; i < mp; i += 2) {
      const e = expv(f64x2.sub(v128.load(at(o, i)), v128.load(at(ROWMAX, i))));
      v128.store(at(o, i), e);
      v128.store(at(ROWSUM, i), f64x2.add(v128.load(at(ROWSUM, i)), e));
    }
  }
  // Σ w log p, Σ w log max γ, Σ w and the positive rows continue from SUMS (the host zeroes them
  // at the start of a block), so that they are summed row by row as the plain kernel sums them.
  let ll = load<f64>(at(SUMS, 0));
  let hard = load<f64>(at(SUMS, 1));
  let weight = load<f64>(at(SUMS, 2));
  let positive = load<f64>(at(SUMS, 3));
  let impossible: f64 = -1;
  let anyImpossible = false;
  // log Σ (into G, free until the moments) and 1/Σ of every row, two rows at a time.
  for (let i = 0; i < mp; i += 2) {
    const sum = v128.load(at(ROWSUM, i));
    v128.store(at(G, i), vlog(sum));
    v128.store(at(ROWSUM, i), f64x2.div(f64x2.splat(1), sum));
  }
  for (let i = 0; i < m; i++) {
    const w: f64 = weighted ? load<f64>(at(SW, i)) : 1;
    weight += w;
    if (w > 0) positive += 1;
    const max = load<f64>(at(ROWMAX, i));
    if (max == -Infinity) {
      anyImpossible = true;
      if (impossible < 0) impossible = <f64>i;
      store<f64>(at(ROWSUM, i), 0);
      ll = -Infinity;
      continue;
    }
    const logSum = load<f64>(at(G, i));
    const row = max + logSum + (based ? load<f64>(at(BASE, i)) : 0);
    if (w > 0) {
      ll += w * row;
      hard -= w * logSum;
    }
  }
  for (let i = m; i < mp; i++) store<f64>(at(ROWSUM, i), 0);
  for (let j = 0; j < k; j++) {
    const o = at(RESP, j * mp);
    for (let i = 0; i < mp; i += 2) v128.store(at(o, i), f64x2.mul(v128.load(at(o, i)), v128.load(at(ROWSUM, i))));
  }
  if (anyImpossible) {
    for (let i = 0; i < m; i++) {
      if (load<f64>(at(ROWMAX, i)) == -Infinity) for (let j = 0; j < k; j++) store<f64>(at(RESP, j * mp + i), 0);
    }
  }
  store<f64>(at(SUMS, 0), ll);
  store<f64>(at(SUMS, 1), hard);
  store<f64>(at(SUMS, 2), weight);
  store<f64>(at(SUMS, 3), positive);
  store<f64>(at(SUMS, 4), impossible);
}

// ---------------------------------------------------------------------------------------------
// Moments about a pivot: [w, Σ g z, Σ g z zᵀ] with z = x − pivot over the rows with g > floor
// (the others get weight 0: no subnormal ever enters a product).

/** Rows per sub-block of the full moments: the two dp × SB gathers within ~32 KiB (L1). */
@inline function subBlock(dp: i32): i32 {
  const b = 2048 / dp;
  return max(8, min(256, b & ~1));
}

/**
 * Full moments of the weights at G about PIVOT into `out` (1 + d + d·d doubles). The rows with
 * g > floor are gathered, sb at a time, into ZT and GZ (column-major), so rows a component does not
 * claim cost one comparison; then the lower triangle of the augmented Σ g z zᵀ is formed four rows by
 * two columns at a time, two rows of data per lane pair, eight vector sums in registers.
 */
export function momentsFull(mp: i32, d: i32, floor: f64, out: usize): void {
  const dp = (d + 4) & ~3;
  const sb = subBlock(dp);
  const zero = f64x2.splat(0);
  for (let t = 0; t < dp * dp * 2; t += 2) v128.store(at(ACC, t), zero);
  // The constant rows: 1 in row d of ZT, 0 below.
  for (let b = 0; b < sb; b += 2) {
    v128.store(at(ZT, d * sb + b), f64x2.splat(1));
    for (let c = d + 1; c < dp; c++) {
      v128.store(at(ZT, c * sb + b), zero);
      v128.store(at(GZ, c * sb + b), zero);
    }
  }
  const fl = f64x2.splat(floor);
  let i = 0;
  while (i < mp) {
    // Gathers the row pairs with a weight above the floor (a pair where neither row has one is
    // skipped; a row below it in a kept pair gets weight 0).
    let len = 0;
    for (; i < mp && len < sb; i += 2) {
      let g = v128.load(at(G, i));
      const keep = f64x2.gt(g, fl);
      if (!v128.any_true(keep)) continue;
      g = v128.bitselect(g, zero, keep);
      v128.store(at(GZ, d * sb + len), g);
      for (let c = 0; c < d; c++) {
        const z = f64x2.sub(v128.load(at(XT, c * mp + i)), f64x2.splat(load<f64>(at(PIVOT, c))));
        v128.store(at(ZT, c * sb + len), z);
        v128.store(at(GZ, c * sb + len), f64x2.mul(g, z));
      }
      len += 2;
    }
    if (len == 0) break;
    for (let r = 0; r < dp; r += 4) {
      const a0 = at(GZ, r * sb);
      const a1 = a0 + (<usize>sb << 3);
      const a2 = a1 + (<usize>sb << 3);
      const a3 = a2 + (<usize>sb << 3);
      for (let c = 0; c <= r + 2; c += 2) {
        const b0 = at(ZT, c * sb);
        const b1 = b0 + (<usize>sb << 3);
        let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
        for (let b = 0; b < len; b += 2) {
          const o = <usize>b << 3;
          const z0 = v128.load(b0 + o);
          const z1 = v128.load(b1 + o);
          const g0 = v128.load(a0 + o);
          s00 = f64x2.add(s00, f64x2.mul(g0, z0));
          s01 = f64x2.add(s01, f64x2.mul(g0, z1));
          const g1 = v128.load(a1 + o);
          s10 = f64x2.add(s10, f64x2.mul(g1, z0));
          s11 = f64x2.add(s11, f64x2.mul(g1, z1));
          const g2 = v128.load(a2 + o);
          s20 = f64x2.add(s20, f64x2.mul(g2, z0));
          s21 = f64x2.add(s21, f64x2.mul(g2, z1));
          const g3 = v128.load(a3 + o);
          s30 = f64x2.add(s30, f64x2.mul(g3, z0));
          s31 = f64x2.add(s31, f64x2.mul(g3, z1));
        }
        const t = at(ACC, (r * dp + c) * 2);
        const row = <usize>dp << 4;
        v128.store(t, f64x2.add(v128.load(t), s00));
        v128.store(t, f64x2.add(v128.load(t, 16), s01), 16);
        v128.store(t + row, f64x2.add(v128.load(t + row), s10));
        v128.store(t + row, f64x2.add(v128.load(t + row, 16), s11), 16);
        v128.store(t + 2 * row, f64x2.add(v128.load(t + 2 * row), s20));
        v128.store(t + 2 * row, f64x2.add(v128.load(t + 2 * row, 16), s21), 16);
        v128.store(t + 3 * row, f64x2.add(v128.load(t + 3 * row), s30));
        v128.store(t + 3 * row, f64x2.add(v128.load(t + 3 * row, 16), s31), 16);
      }
    }
  }
  store<f64>(out, lanes(at(ACC, (d * dp + d) * 2)));
  for (let c = 0; c < d; c++) store<f64>(at(out, 1 + c), lanes(at(ACC, (d * dp + c) * 2)));
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) {
      const v = lanes(at(ACC, (r * dp + c) * 2));
      store<f64>(at(out, 1 + d + r * d + c), v);
      store<f64>(at(out, 1 + d + c * d + r), v);
    }
  }
}

/**
 * Full moments for d ≤ 4 with every sum in a register (as the plain kernel's moments2/moments4):
 * [w, Σ g z, Σ g z zᵀ] over the rows with g > floor, two rows per vector, pairs below the floor
 * skipped. Coordinates past d read as 0.
 */
export function momentsSmall(mp: i32, d: i32, floor: f64, out: usize): void {
  const zero = f64x2.splat(0);
  const fl = f64x2.splat(floor);
  const p0 = f64x2.splat(load<f64>(PIVOT));
  const p1 = f64x2.splat(d > 1 ? load<f64>(PIVOT, 8) : 0);
  const p2 = f64x2.splat(d > 2 ? load<f64>(PIVOT, 16) : 0);
  const p3 = f64x2.splat(d > 3 ? load<f64>(PIVOT, 24) : 0);
  const x0 = XT;
  const x1 = at(XT, mp);
  const x2 = at(XT, 2 * mp);
  const x3 = at(XT, 3 * mp);
  let w = zero, m0 = zero, m1 = zero, m2 = zero, m3 = zero;
  let s00 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s22 = zero, s30 = zero, s31 = zero, s32 = zero, s33 = zero;
  for (let i = 0; i < mp; i += 2) {
    let g = v128.load(at(G, i));
    const keep = f64x2.gt(g, fl);
    if (!v128.any_true(keep)) continue;
    g = v128.bitselect(g, zero, keep);
    const o = <usize>i << 3;
    const z0 = f64x2.sub(v128.load(x0 + o), p0);
    const z1 = d > 1 ? f64x2.sub(v128.load(x1 + o), p1) : zero;
    const g0 = f64x2.mul(g, z0);
    const g1 = f64x2.mul(g, z1);
    w = f64x2.add(w, g);
    m0 = f64x2.add(m0, g0);
    m1 = f64x2.add(m1, g1);
    s00 = f64x2.add(s00, f64x2.mul(g0, z0));
    s10 = f64x2.add(s10, f64x2.mul(g1, z0));
    s11 = f64x2.add(s11, f64x2.mul(g1, z1));
    if (d > 2) {
      const z2 = f64x2.sub(v128.load(x2 + o), p2);
      const z3 = d > 3 ? f64x2.sub(v128.load(x3 + o), p3) : zero;
      const g2 = f64x2.mul(g, z2);
      const g3 = f64x2.mul(g, z3);
      m2 = f64x2.add(m2, g2);
      m3 = f64x2.add(m3, g3);
      s20 = f64x2.add(s20, f64x2.mul(g2, z0));
      s21 = f64x2.add(s21, f64x2.mul(g2, z1));
      s22 = f64x2.add(s22, f64x2.mul(g2, z2));
      s30 = f64x2.add(s30, f64x2.mul(g3, z0));
      s31 = f64x2.add(s31, f64x2.mul(g3, z1));
      s32 = f64x2.add(s32, f64x2.mul(g3, z2));
      s33 = f64x2.add(s33, f64x2.mul(g3, z3));
    }
  }
  // Spill the sums: S[r][c] (lower triangle) into the d × d matrix after w and Σ g z.
  store<f64>(out, hsum(w));
  const m = out + 8;
  const sc = out + 8 + (<usize>d << 3);
  store<f64>(m, hsum(m0));
  setSym(sc, d, 0, 0, hsum(s00));
  if (d > 1) {
    store<f64>(m, hsum(m1), 8);
    setSym(sc, d, 1, 0, hsum(s10));
    setSym(sc, d, 1, 1, hsum(s11));
  }
  if (d > 2) {
    store<f64>(m, hsum(m2), 16);
    setSym(sc, d, 2, 0, hsum(s20));
    setSym(sc, d, 2, 1, hsum(s21));
    setSym(sc, d, 2, 2, hsum(s22));
  }
  if (d > 3) {
    store<f64>(m, hsum(m3), 24);
    setSym(sc, d, 3, 0, hsum(s30));
    setSym(sc, d, 3, 1, hsum(s31));
    setSym(sc, d, 3, 2, hsum(s32));
    setSym(sc, d, 3, 3, hsum(s33));
  }
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline function setSym(sc: usize, d: i32, r: i32, c: i32, v: f64): void {
  store<f64>(at(sc, r * d + c), v);
  store<f64>(at(sc, c * d + r), v);
}

@inline function lanes(p: usize): f64 {
  const v = v128.load(p);
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Diagonal moments [w, Σ g z (d), Σ g z² (d)] of the weights at G about PIVOT into `out`. */
export function momentsDiagonal(mp: i32, d: i32, floor: f64, out: usize): void {
  const zero = f64x2.splat(0);
  const fl = f64x2.splat(floor);
  let w = zero;
  for (let i = 0; i < mp; i += 2) {
    const g = v128.load(at(G, i));
    w = f64x2.add(w, v128.bitselect(g, zero, f64x2.gt(g, fl)));
  }
  store<f64>(out, f64x2.extract_lane(w, 0) + f64x2.extract_lane(w, 1));
  for (let c = 0; c < d; c++) {
    const pc = f64x2.splat(load<f64>(at(PIVOT, c)));
    let s1 = zero;
    let s2 = zero;
    for (let i = 0; i < mp; i += 2) {
      let g = v128.load(at(G, i));
      g = v128.bitselect(g, zero, f64x2.gt(g, fl));
      const z = f64x2.sub(v128.load(at(XT, c * mp + i)), pc);
      const gz = f64x2.mul(g, z);
      s1 = f64x2.add(s1, gz);
      s2 = f64x2.add(s2, f64x2.mul(gz, z));
    }
    store<f64>(at(out, 1 + c), f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1));
    store<f64>(at(out, 1 + d + c), f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1));
  }
}

/**
 * Copies component j's weights (responsibility × sample weight) into G and returns the floor
 * (2⁻⁶⁰⁰ × the largest weight); writes the first row of positive weight and the heaviest row
 * (−1 when none) into `head`, and the heaviest row into PIVOT.
 */
export function weights(j: i32, m: i32, mp: i32, d: i32, weighted: bool, head: usize): f64 {
  const o = at(RESP, j * mp);
  if (weighted) {
    for (let i = 0; i < mp; i += 2) v128.store(at(G, i), f64x2.mul(v128.load(at(o, i)), v128.load(at(SW, i))));
  } else {
    memory.copy(G, o, <usize>mp << 3);
  }
  let first = -1;
  let best = -1;
  let top: f64 = 0;
  for (let i = 0; i < m; i++) {
    const g = load<f64>(at(G, i));
    if (g > top) {
      if (first < 0) first = i;
      top = g;
      best = i;
    }
  }
  store<f64>(head, <f64>first);
  store<f64>(head, <f64>best, 8);
  if (best >= 0) for (let c = 0; c < d; c++) store<f64>(at(PIVOT, c), load<f64>(at(XT, c * mp + best)));
  return top * 2.409919865102884e-181; // 2⁻⁶⁰⁰
}

/** The log-densities alone (RESP ← log N(xᵢ | θⱼ), k × mp) of m rows at X: the family's logDensityInto. */
export function logDensities(structure: i32, m: i32, d: i32, k: i32): void {
  const mp = (m + 3) & ~3;
  transpose(m, mp, d);
  if (structure == FULL) logDensityFull(mp, d, k);
  else if (structure == TIED) logDensityTied(mp, d, k);
  else logDensityDiagonal(mp, d, k, structure == SPHERICAL);
}

/** The moments of the structure (diagonal or full; full for d ≤ 4 in registers). */
export function moments(diagonal: bool, mp: i32, d: i32, floor: f64, out: usize): void {
  if (diagonal) momentsDiagonal(mp, d, floor, out);
  else if (d <= 4) momentsSmall(mp, d, floor, out);
  else momentsFull(mp, d, floor, out);
}

/**
 * One block: m rows at X (row-major), k components at MU/PREC/CONST/LOGW, sample weights at SW
 * (`weighted`), base measure at BASE (`based`). Writes SUMS, leaves the responsibilities in RESP and,
 * for each component j, [first, pivot, w, Σ g z, Σ g z zᵀ] at MOM + j·(3 + d + s) doubles
 * (s = d·d for full and tied, d for diag and spherical; first = −1 for an empty component).
 */
export function fold(structure: i32, m: i32, d: i32, k: i32, weighted: bool, based: bool): void {
  const mp = (m + 3) & ~3;
  transpose(m, mp, d);
  if (weighted) for (let i = m; i < mp; i++) store<f64>(at(SW, i), 0);
  if (PHASES & 1) {
    if (structure == FULL) logDensityFull(mp, d, k);
    else if (structure == TIED) logDensityTied(mp, d, k);
    else logDensityDiagonal(mp, d, k, structure == SPHERICAL);
  }
  if (PHASES & 2) normalize(m, mp, k, weighted, based);
  if (!(PHASES & 4)) {
    for (let j = 0; j < k; j++) store<f64>(at(MOM, j * (3 + d + (structure == DIAG || structure == SPHERICAL ? d : d * d))), -1);
    return;
  }
  const diagonal = structure == DIAG || structure == SPHERICAL;
  const size = 3 + d + (diagonal ? d : d * d);
  for (let j = 0; j < k; j++) {
    const head = at(MOM, j * size);
    const floor = weights(j, m, mp, d, weighted, head);
    if (load<f64>(head, 8) < 0) continue;
    moments(diagonal, mp, d, floor, head + 16);
  }
}

// ---------------------------------------------------------------------------------------------
// Probes of the machine for the benchmark's hardware bound (bench/probe.mjs): what this runtime's
// WebAssembly SIMD reaches on one thread.

/**
 * `n` rounds of 8 independent f64x2 multiply-add chains (a separate mul and add: WebAssembly SIMD
 * has no FMA): 32·n flops. (12 chains measured no faster here: the registers run out.)
 */
export function probeFlops(n: i32): f64 {
  const a = f64x2.splat(0.999999);
  const b = f64x2.splat(1e-7);
  let s0 = f64x2.splat(1.0), s1 = f64x2.splat(1.1), s2 = f64x2.splat(1.2), s3 = f64x2.splat(1.3);
  let s4 = f64x2.splat(1.4), s5 = f64x2.splat(1.5), s6 = f64x2.splat(1.6), s7 = f64x2.splat(1.7);
  for (let i = 0; i < n; i++) {
    s0 = f64x2.add(f64x2.mul(s0, a), b);
    s1 = f64x2.add(f64x2.mul(s1, a), b);
    s2 = f64x2.add(f64x2.mul(s2, a), b);
    s3 = f64x2.add(f64x2.mul(s3, a), b);
    s4 = f64x2.add(f64x2.mul(s4, a), b);
    s5 = f64x2.add(f64x2.mul(s5, a), b);
    s6 = f64x2.add(f64x2.mul(s6, a), b);
    s7 = f64x2.add(f64x2.mul(s7, a), b);
  }
  const t = f64x2.add(f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3)), f64x2.add(f64x2.add(s4, s5), f64x2.add(s6, s7)));
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

/** Sums `bytes` (a multiple of 64) of doubles from `ptr` with 128-bit loads: a streaming read. */
export function probeRead(ptr: usize, bytes: usize): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  const end = ptr + bytes;
  for (let p = ptr; p < end; p += 64) {
    s0 = f64x2.add(s0, v128.load(p));
    s1 = f64x2.add(s1, v128.load(p, 16));
    s2 = f64x2.add(s2, v128.load(p, 32));
    s3 = f64x2.add(s3, v128.load(p, 48));
  }
  const t = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}
