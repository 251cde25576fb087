// Time functions: time(), timestamp(), and the calendar functions (minute,
// hour, day_of_week, ...) over a vector of unix seconds or, without an
// argument, the evaluation time. All in UTC.
import { dropName } from '../eval/labels.js';
import type { ScalarValue, StepSeries, VectorValue } from '../eval/values.js';
import { registerFunction } from './registry.js';

function dateOf(seconds: number): Date {
  return new Date(Math.trunc(seconds) * 1000);
}

function daysInMonth(d: Date): number {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

function dayOfYear(d: Date): number {
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.floor((d.getTime() - start) / 86_400_000) + 1;
}

const CALENDAR: Record<string, (d: Date) => number> = {
  minute: (d) => d.getUTCMinutes(),
  hour: (d) => d.getUTCHours(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_month: (d) => d.getUTCDate(),
  day_of_year: dayOfYear,
  days_in_month: daysInMonth,
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

export function registerTimeFunctions(): void {
  registerFunction('time', {
    argTypes: [],
    returnType: 'scalar',
    call: (_args, ctx): ScalarValue => {
      const v = new Float64Array(ctx.steps);
      for (let i = 0; i < ctx.steps; i++) v[i] = ctx.stepTime(i) / 1000;
      return { type: 'scalar', v };
    },
  });
  registerFunction('timestamp', {
    argTypes: ['vector'],
    returnType: 'vector',
    // timestamp(<selector>) reads sample times; the engine handles that form.
    call: (args, ctx): VectorValue => {
      const vec = args[0] as VectorValue;
      const series = vec.series.map((s): StepSeries => {
        const v = new Float64Array(ctx.steps);
        for (let i = 0; i < ctx.steps; i++) if (s.has[i]) v[i] = ctx.stepTime(i) / 1000;
        return { labels: dropName(s.labels), v, has: s.has };
      });
      return { type: 'vector', series };
    },
  });
  for (const [name, f] of Object.entries(CALENDAR)) {
    registerFunction(name, {
      argTypes: ['vector'],
      variadic: 1,
      returnType: 'vector',
      call: (args, ctx): VectorValue => {
        if (args.length === 0) {
          const v = new Float64Array(ctx.steps);
          for (let i = 0; i < ctx.steps; i++) v[i] = f(dateOf(ctx.stepTime(i) / 1000));
          return { type: 'vector', series: [{ labels: {}, v, has: new Uint8Array(ctx.steps).fill(1) }] };
        }
        const vec = args[0] as VectorValue;
        const series = vec.series.map((s): StepSeries => {
          const v = new Float64Array(ctx.steps);
          for (let i = 0; i < ctx.steps; i++) {
            if (!s.has[i]) continue;
            const x = s.v[i];
            v[i] = Number.isFinite(x) ? f(dateOf(x)) : Number.NaN;
          }
          return { labels: dropName(s.labels), v, has: s.has };
        });
        return { type: 'vector', series };
      },
    });
  }
}
