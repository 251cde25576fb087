// Content negotiation on Accept, as Prometheus does it: OpenMetrics when the
// scraper asks for application/openmetrics-text (version 1.0.0 or none) with a
// q at least that of text/plain; the text format 0.0.4 otherwise.
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './format.js';

export type NegotiatedFormat = 'text' | 'openmetrics';

export function negotiate(accept: string | undefined | null): NegotiatedFormat {
  if (!accept) return 'text';
  let om = -1;
  let text = -1;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().split(';');
    const t = type.trim().toLowerCase();
    let q = 1;
    let version: string | undefined;
    for (const p of params) {
      const [k, v] = p.split('=').map((x) => x.trim());
      if (k === 'q') q = Number(v);
      else if (k === 'version') version = v;
    }
    if (!(q > 0)) continue;
    if (t === 'application/openmetrics-text' && (version === undefined || version.startsWith('1.0')))
      om = Math.max(om, q);
    else if (t === 'text/plain' || t === '*/*' || t === 'text/*') text = Math.max(text, q);
  }
  return om >= 0 && om >= text ? 'openmetrics' : 'text';
}

export function contentTypeOf(format: NegotiatedFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE;
}
