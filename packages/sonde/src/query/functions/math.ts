// Element-wise math on instant vectors: abs, ceil, floor, exp, sqrt, ln,
// log2, log10, trigonometry, deg/rad, sgn, round, clamp*; and pi().
import { registerFunction } from './registry.js';

export function registerMathFunctions(): void {
  const simple = (name: string, f: (x: number) => number) =>
    registerFunction(name, { argTypes: ['vector'], returnType: 'vector', perSample: (v) => f(v) });
  simple('abs', Math.abs);
  simple('ceil', Math.ceil);
  simple('floor', Math.floor);
  simple('exp', Math.exp);
  simple('sqrt', Math.sqrt);
  simple('ln', Math.log);
  simple('log2', Math.log2);
  simple('log10', Math.log10);
  simple('sin', Math.sin);
  simple('cos', Math.cos);
  simple('tan', Math.tan);
  simple('asin', Math.asin);
  simple('acos', Math.acos);
  simple('atan', Math.atan);
  simple('sinh', Math.sinh);
  simple('cosh', Math.cosh);
  simple('tanh', Math.tanh);
  simple('asinh', Math.asinh);
  simple('acosh', Math.acosh);
  simple('atanh', Math.atanh);
  simple('deg', (x) => (x * 180) / Math.PI);
  simple('rad', (x) => (x * Math.PI) / 180);
  simple('sgn', (x) => (x < 0 ? -1 : x > 0 ? 1 : x));
  registerFunction('round', {
    argTypes: ['vector', 'scalar'],
    variadic: 1,
    returnType: 'vector',
    perSample: (v, args) => {
      const toNearest = args.length > 1 ? args[1] : 1;
      const inv = 1 / toNearest;
      return Math.floor(v * inv + 0.5) / inv;
    },
  });
  registerFunction('clamp', {
    argTypes: ['vector', 'scalar', 'scalar'],
    returnType: 'vector',
    perSample: (v, args) => {
      const min = args[1];
      const max = args[2];
      if (max < min) return undefined;
      return Math.max(min, Math.min(max, v));
    },
  });
  registerFunction('clamp_max', {
    argTypes: ['vector', 'scalar'],
    returnType: 'vector',
    perSample: (v, args) => goMin(args[1], v),
  });
  registerFunction('clamp_min', {
    argTypes: ['vector', 'scalar'],
    returnType: 'vector',
    perSample: (v, args) => goMax(args[1], v),
  });
  registerFunction('pi', {
    argTypes: [],
    returnType: 'scalar',
    call: (_args, ctx) => ({ type: 'scalar', v: new Float64Array(ctx.steps).fill(Math.PI) }),
  });
}

/** Go's math.Max/Min: NaN wins. */
function goMax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return Math.max(a, b);
}
function goMin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return Math.min(a, b);
}
