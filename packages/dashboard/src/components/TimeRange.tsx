// Time-range picker: relative ranges (last 5m … 30d) or an absolute from/to.
// The choice lives in the URL (range=1h, or from=…&to=… in ms) so a view can be shared.
import { useState } from 'preact/hooks';
import { formatDateTime, parseDuration } from '../lib/format';

export const RELATIVE = ['5m', '1h', '24h', '7d', '30d'] as const;

export interface TimeRange {
  /** Window length in ms. */
  readonly windowMs: number;
  /** Fixed end in ms, or undefined for "until now". */
  readonly end?: number;
  readonly label: string;
}

export function rangeFromParams(p: URLSearchParams, fallback = '1h'): TimeRange {
  const from = Number(p.get('from'));
  const to = Number(p.get('to'));
  if (from > 0 && to > from)
    return { windowMs: to - from, end: to, label: `${formatDateTime(from)} → ${formatDateTime(to)}` };
  const r = p.get('range') ?? fallback;
  const ms = parseDuration(r) ?? parseDuration(fallback)!;
  return { windowMs: ms, label: `last ${r}` };
}

const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

export function TimeRangePicker(props: {
  params: URLSearchParams;
  onChange: (p: { range?: string; from?: string; to?: string }) => void;
}) {
  const current = props.params.get('from') ? 'abs' : (props.params.get('range') ?? '1h');
  const r = rangeFromParams(props.params);
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(toLocalInput((r.end ?? Date.now()) - r.windowMs));
  const [to, setTo] = useState(toLocalInput(r.end ?? Date.now()));
  const apply = (ev: Event) => {
    ev.preventDefault();
    const f = new Date(from).getTime();
    const t = new Date(to).getTime();
    if (!(f < t)) return;
    props.onChange({ range: undefined, from: String(f), to: String(t) });
    setOpen(false);
  };
  return (
    <div class="toolbar">
      <div class="seg">
        {RELATIVE.map((x) => (
          <button
            type="button"
            key={x}
            aria-pressed={current === x}
            onClick={() => props.onChange({ range: x, from: undefined, to: undefined })}
          >
            {x}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={current === 'abs'}
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {current === 'abs' ? r.label : 'Custom…'}
        </button>
      </div>
      {open && (
        <form class="toolbar" onSubmit={apply}>
          <label>
            From{' '}
            <input
              type="datetime-local"
              value={from}
              onInput={(e) => setFrom(e.currentTarget.value)}
              required
            />
          </label>
          <label>
            To{' '}
            <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} required />
          </label>
          <button class="btn small" type="submit">
            Apply
          </button>
        </form>
      )}
    </div>
  );
}
