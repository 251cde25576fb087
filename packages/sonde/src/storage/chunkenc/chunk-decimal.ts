// The decimal-aware float encoding (after VictoriaMetrics): monitoring values
// are mostly short decimals, so each value of a run is stored as an integer
// mantissa m with one decimal exponent per run (v = m / 10^K, or m · 10^-K
// for K < 0), the mantissas as deltas or delta-of-deltas (int-series.ts).
// Decoding m / 10^K is a correctly rounded division of two exact numbers, so
// it gives back the very double the value was: a value is only taken as a
// decimal after checking exactly that. Values that are not (NaN payloads,
// -0, ±Inf, full-precision floats) are kept as exceptions, raw bits by index.
import { MAX_INT_MAGNITUDE, decodeInts, encodeInts } from './int-series.js';
import type { ByteReader, ByteWriter } from './varint.js';

/** 10^k for k = 0..22, every one exact in float64. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const MAX_FRACTION_DIGITS = 18;
/** k_v for values that are not short decimals. */
const NOT_DECIMAL = 99;

/** Scratch: the mantissa found by the last `decimalDigits` call. */
let lastMantissa = 0;

/**
 * The smallest k such that v = round(v·10^k) / 10^k exactly (negative k: v is
 * an integer with -k trailing zeros), or NOT_DECIMAL.
 */
function decimalDigits(v: number): number {
  if (Number.isInteger(v)) {
    if (v === 0) {
      lastMantissa = 0;
      return 1 / v > 0 ? 0 : NOT_DECIMAL; // -0 is kept as an exception
    }
    if (Math.abs(v) < MAX_INT_MAGNITUDE) {
      lastMantissa = v;
      return 0;
    }
    for (let e = 1; e <= 22; e++) {
      const m = Math.round(v / POW10[e]);
      if (Math.abs(m) < MAX_INT_MAGNITUDE && m * POW10[e] === v) {
        lastMantissa = m;
        return -e;
      }
    }
    return NOT_DECIMAL;
  }
  if (!Number.isFinite(v)) return NOT_DECIMAL;
  for (let k = 1; k <= MAX_FRACTION_DIGITS; k++) {
    const p = POW10[k];
    const m = Math.round(v * p);
    if (Math.abs(m) >= MAX_INT_MAGNITUDE) return NOT_DECIMAL;
    if (m / p === v) {
      lastMantissa = m;
      return k;
    }
  }
  return NOT_DECIMAL;
}

export interface DecimalPlan {
  /** The run's exponent: v = m / 10^K (K ≥ 0) or m · 10^-K. */
  readonly K: number;
  readonly mantissas: Float64Array;
  /** Indexes (relative to the run) of values kept as raw bits. */
  readonly exceptions: number[];
}

const digitsScratch: Int8Array[] = [new Int8Array(256)];

/**
 * Finds the run's exponent and mantissas; values needing more digits than
 * nearly all others become exceptions. Returns null when too many values are
 * exceptions for the decimal form to pay off.
 */
export function planDecimal(v: Float64Array, from: number, to: number): DecimalPlan | null {
  const n = to - from;
  if (digitsScratch[0].length < n) digitsScratch[0] = new Int8Array(n * 2);
  const ks = digitsScratch[0];
  const mant = new Float64Array(n);
  const hist = new Int32Array(42); // k + 22 for k in -22..19
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const k = decimalDigits(v[from + i]);
    if (k === NOT_DECIMAL) {
      ks[i] = NOT_DECIMAL;
      bad++;
      continue;
    }
    ks[i] = k;
    mant[i] = lastMantissa;
    hist[k + 22]++;
  }
  if (bad > n / 4) return null;
  // the smallest K that leaves at most n/32 more values out
  const allow = Math.floor(n / 32);
  let above = 0;
  let K = 19;
  for (let k = 19; k >= -22; k--) {
    if (hist[k + 22] === 0) continue;
    if (above + hist[k + 22] > allow) {
      K = k;
      break;
    }
    above += hist[k + 22];
  }
  if (K === 19) K = 0; // everything is an exception
  const exceptions: number[] = [];
  let havePrev = false;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const k = ks[i];
    let ok = k !== NOT_DECIMAL && k <= K;
    if (ok && k < K) {
      const m = mant[i] * POW10[K - k];
      if (Math.abs(m) < MAX_INT_MAGNITUDE) mant[i] = m;
      else ok = false;
    }
    if (!ok) {
      exceptions.push(i);
      mant[i] = prev; // costs no delta; leading ones take the first real mantissa below
    } else {
      if (!havePrev) for (const j of exceptions) mant[j] = mant[i];
      havePrev = true;
      prev = mant[i];
    }
  }
  if (exceptions.length > n / 4) return null;
  return { K, mantissas: mant, exceptions };
}

/** Writes a planned run: exponent, exceptions (index delta + raw bits), mantissas. */
export function encodeDecimal(w: ByteWriter, plan: DecimalPlan, words: Uint32Array, from: number): void {
  w.varint(plan.K);
  w.uvarint(plan.exceptions.length);
  let last = 0;
  for (const i of plan.exceptions) {
    w.uvarint(i - last);
    last = i;
    w.bits64(words[2 * (from + i) + 1], words[2 * (from + i)]);
  }
  encodeInts(w, plan.mantissas, 0, plan.mantissas.length);
}

/** Decodes n values into out[at..at+n) (`words` views the same memory as `out`). */
export function decodeDecimal(
  r: ByteReader,
  n: number,
  out: Float64Array,
  words: Uint32Array,
  at: number,
): void {
  const K = r.varint();
  if (K < -22 || K > 22) throw new RangeError(`corrupt decimal exponent ${K}`);
  const nexc = r.uvarint();
  if (nexc > n) throw new RangeError('corrupt decimal exceptions');
  const excIdx = new Int32Array(nexc);
  const excHi = new Uint32Array(nexc);
  const excLo = new Uint32Array(nexc);
  let last = 0;
  for (let j = 0; j < nexc; j++) {
    last += r.uvarint();
    if (last >= n) throw new RangeError('corrupt decimal exception index');
    excIdx[j] = last;
    excLo[j] = r.u32();
    excHi[j] = r.u32();
  }
  decodeInts(r, n, out, at, K > 0 ? POW10[K] : 1, K < 0 ? POW10[-K] : 1);
  for (let j = 0; j < nexc; j++) {
    const i = at + excIdx[j];
    words[2 * i] = excLo[j];
    words[2 * i + 1] = excHi[j];
  }
}
