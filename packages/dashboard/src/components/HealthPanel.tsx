// The health score and grade with the parts it is made of (from analytics).
import { api } from '../api/client';
import { useApi } from '../lib/data';
import { type Item, listOf, num, str } from '../lib/shape';
import { Resolve } from './states';

interface Part {
  name: string;
  score: number | undefined;
  detail: string | undefined;
}

function parts(data: Item): Part[] {
  let raw: Item[] = listOf(data, ['parts', 'components', 'factors']);
  if (!raw.length) {
    const obj = (data.parts ?? data.components) as Record<string, unknown> | undefined;
    if (obj && typeof obj === 'object')
      raw = Object.entries(obj).map(([name, v]) =>
        typeof v === 'object' ? { name, ...(v as Item) } : { name, score: v },
      );
  }
  return raw.map((p) => ({
    name: str(p, ['name', 'part', 'component', 'title']) ?? '?',
    score: p.weight === 0 ? undefined : num(p, ['score', 'value']),
    detail: str(p, ['evidence', 'detail', 'reason', 'explanation', 'summary', 'message']),
  }));
}

function gradeOf(score: number): string {
  return score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
}

export function HealthPanel() {
  const { result, reload } = useApi((s) => api.sonde<Item>('health', {}, s), [], 10_000);
  return (
    <section class="panel" aria-labelledby="health-h">
      <div class="panel-head">
        <h2 id="health-h">Health</h2>
        <span class="muted">updated every 10 s</span>
      </div>
      <Resolve result={result} what="The health score" endpoint="/api/sonde/v1/health" onRetry={reload}>
        {(data) => {
          const rawScore = num(data, ['score', 'health', 'value']);
          // Scores may come as 0..1 or 0..100.
          const score = rawScore === undefined ? undefined : rawScore <= 1 ? rawScore * 100 : rawScore;
          const grade = str(data, ['grade']) ?? (score === undefined ? '–' : gradeOf(score));
          const ps = parts(data);
          return (
            <div class="health">
              <div
                class={`grade g-${score === undefined ? 'none' : grade.toLowerCase()[0]}`}
                role="img"
                aria-label={`Health grade ${grade}, score ${score === undefined ? 'unknown' : Math.round(score)} of 100`}
              >
                <div>
                  <b>{grade}</b>
                  <span>{score === undefined ? 'no score' : `${Math.round(score)} / 100`}</span>
                </div>
              </div>
              {ps.length ? (
                <div class="parts">
                  {ps.map((p) => {
                    const s = p.score === undefined ? undefined : p.score <= 1 ? p.score * 100 : p.score;
                    return (
                      <div class="part" key={p.name} title={p.detail}>
                        <span>{p.name}</span>
                        <span class="mono">{s === undefined ? '–' : Math.round(s)}</span>
                        <span class="bar" aria-hidden="true">
                          <i
                            style={{
                              width: `${Math.max(2, Math.min(100, s ?? 0))}%`,
                              background:
                                s !== undefined && s < 60
                                  ? 'var(--bad)'
                                  : s !== undefined && s < 80
                                    ? 'var(--warn)'
                                    : undefined,
                            }}
                          />
                        </span>
                        {p.detail && (
                          <span class="muted" style={{ gridColumn: '1 / -1' }}>
                            {p.detail}
                          </span>
                        )}
                      </div>
                    );
                  })}
                </div>
              ) : (
                <p class="muted">{str(data, ['summary', 'message']) ?? 'The score has no parts to show.'}</p>
              )}
              {str(data, ['formula']) && (
                <details style={{ gridColumn: '1 / -1' }}>
                  <summary>How the score is computed</summary>
                  <p class="mono muted">{str(data, ['formula'])}</p>
                </details>
              )}
            </div>
          );
        }}
      </Resolve>
    </section>
  );
}
