// The *_over_time family: one value per window of each series.
import { quantileOf } from '../eval/aggregate.js';
import { kahanSumInc } from './rate.js';
import { type RangeWindow, registerFunction } from './registry.js';

function avg({ v, lo, hi }: RangeWindow): number {
  let mean = 0;
  let c = 0;
  let count = 0;
  for (let i = lo; i < hi; i++) {
    const x = v[i];
    count++;
    if (mean === Infinity || mean === -Infinity) {
      if ((x === Infinity || x === -Infinity) && mean > 0 === x > 0) continue;
      if (x !== Infinity && x !== -Infinity && !Number.isNaN(x)) continue;
    }
    [mean, c] = kahanSumInc(x / count - mean / count, mean, c);
  }
  if (mean === Infinity || mean === -Infinity) return mean;
  return mean + c;
}

function variance({ v, lo, hi }: RangeWindow): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = lo; i < hi; i++) {
    const x = v[i];
    count++;
    const delta = x - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (x - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

export function registerOverTimeFunctions(): void {
  const over = (name: string, f: (w: RangeWindow) => number | undefined) =>
    registerFunction(name, { argTypes: ['matrix'], returnType: 'vector', overRange: f });
  over('avg_over_time', avg);
  over('sum_over_time', ({ v, lo, hi }) => {
    let sum = 0;
    let c = 0;
    for (let i = lo; i < hi; i++) [sum, c] = kahanSumInc(v[i], sum, c);
    return sum === Infinity || sum === -Infinity ? sum : sum + c;
  });
  over('count_over_time', ({ lo, hi }) => hi - lo);
  over('min_over_time', ({ v, lo, hi }) => {
    let min = v[lo];
    for (let i = lo; i < hi; i++) if (v[i] < min || Number.isNaN(min)) min = v[i];
    return min;
  });
  over('max_over_time', ({ v, lo, hi }) => {
    let max = v[lo];
    for (let i = lo; i < hi; i++) if (v[i] > max || Number.isNaN(max)) max = v[i];
    return max;
  });
  // last_over_time keeps the metric name, as in Prometheus.
  registerFunction('last_over_time', {
    argTypes: ['matrix'],
    returnType: 'vector',
    keepName: true,
    overRange: ({ v, hi }) => v[hi - 1],
  });
  over('present_over_time', () => 1);
  over('stddev_over_time', (w) => Math.sqrt(variance(w)));
  over('stdvar_over_time', variance);
  registerFunction('quantile_over_time', {
    argTypes: ['scalar', 'matrix'],
    returnType: 'vector',
    overRange: ({ v, lo, hi, args }) => quantileOf(args[0], v.subarray(lo, hi)),
  });
}
