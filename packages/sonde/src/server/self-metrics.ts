// sonde's own /metrics: its process and runtime metrics plus the counters
// its stages keep, in Prometheus text format.
export interface SelfMetrics {
  render(): Promise<{ contentType: string; body: string }>;
}

export function createSelfMetrics(): SelfMetrics {
  return {
    async render() {
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      const body = [
        '# HELP process_resident_memory_bytes Resident memory size in bytes.',
        '# TYPE process_resident_memory_bytes gauge',
        `process_resident_memory_bytes ${mem.rss}`,
        '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
        '# TYPE process_cpu_seconds_total counter',
        `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
        '',
      ].join('\n');
      return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body };
    },
  };
}
