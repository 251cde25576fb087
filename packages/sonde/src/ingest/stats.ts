// Counters every ingest path keeps, by path and by reason of rejection, to
// be rendered into sonde's own /metrics.

export type RejectReason =
  | 'out_of_order'
  | 'duplicate'
  | 'too_old'
  | 'invalid'
  | 'invalid_labels'
  | 'no_timestamp'
  | 'malformed'
  | 'unsupported';

export class IngestStats {
  private readonly accepted = new Map<string, number>();
  private readonly rejected = new Map<string, number>();
  private readonly requests = new Map<string, number>();

  addAccepted(path: string, n: number): void {
    if (n) this.accepted.set(path, (this.accepted.get(path) ?? 0) + n);
  }

  addRejected(path: string, reason: RejectReason, n = 1): void {
    if (!n) return;
    const key = `${path}\u0000${reason}`;
    this.rejected.set(key, (this.rejected.get(key) ?? 0) + n);
  }

  addRequest(path: string, code: number): void {
    const key = `${path}\u0000${code}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** The count for one path and reason (tests, the status page). */
  rejectedCount(path: string, reason: RejectReason): number {
    return this.rejected.get(`${path}\u0000${reason}`) ?? 0;
  }

  acceptedCount(path: string): number {
    return this.accepted.get(path) ?? 0;
  }

  /** Prometheus text exposition of the counters. */
  render(): string {
    let out =
      '# HELP sonde_ingest_samples_total Samples stored by ingest path.\n# TYPE sonde_ingest_samples_total counter\n';
    for (const [path, n] of this.accepted) out += `sonde_ingest_samples_total{path="${path}"} ${n}\n`;
    out +=
      '# HELP sonde_ingest_rejected_samples_total Samples not stored, by ingest path and reason.\n' +
      '# TYPE sonde_ingest_rejected_samples_total counter\n';
    for (const [key, n] of this.rejected) {
      const [path, reason] = key.split('\u0000');
      out += `sonde_ingest_rejected_samples_total{path="${path}",reason="${reason}"} ${n}\n`;
    }
    out +=
      '# HELP sonde_ingest_requests_total Ingest requests by path and status code.\n' +
      '# TYPE sonde_ingest_requests_total counter\n';
    for (const [key, n] of this.requests) {
      const [path, code] = key.split('\u0000');
      out += `sonde_ingest_requests_total{path="${path}",code="${code}"} ${n}\n`;
    }
    return out;
  }
}
