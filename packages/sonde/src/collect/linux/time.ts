// node_exporter's `time` collector: the system clock, the time zone offset,
// and the clock sources from /sys/devices/system/clocksource.
import { readdirSync } from 'node:fs';
import type { Labels } from '../../storage/types.js';
import { family, LabelCache, single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { CollectedSample, Collector, MetricFamily } from '../types.js';
import { type HostPaths, sys } from './paths.js';

function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

export function createTimeCollector(paths: HostPaths, now: () => number = Date.now): Collector {
  const reader = new FileReader(512);
  const labels = new LabelCache();
  const csDir = sys(paths, 'devices/system/clocksource');
  let zone: { offset: number; labels: Labels } | null = null;
  let devices: string[] | null = null;

  function collect(): MetricFamily[] {
    const t = now();
    const d = new Date(t);
    const offset = -d.getTimezoneOffset() * 60;
    if (zone === null || zone.offset !== offset)
      zone = { offset, labels: Object.freeze({ time_zone: zoneName(d) }) };
    const out: MetricFamily[] = [
      single('node_time_seconds', 'System time in seconds since epoch (1970).', 'gauge', t / 1000),
      family('node_time_zone_offset_seconds', 'System time zone offset in seconds.', 'gauge', [
        { labels: zone.labels, value: offset },
      ]),
    ];
    if (devices === null) {
      try {
        devices = readdirSync(csDir)
          .filter((n) => /^clocksource\d+$/.test(n))
          .sort((a, b) => Number(a.slice(11)) - Number(b.slice(11)));
      } catch {
        devices = [];
      }
    }
    const available: CollectedSample[] = [];
    const current: CollectedSample[] = [];
    for (let i = 0; i < devices.length; i++) {
      const dir = `${csDir}/${devices[i]}`;
      const device = String(i);
      const avail = reader.tryText(`${dir}/available_clocksource`);
      if (avail)
        for (const cs of avail.split(/\s+/))
          if (cs)
            available.push({
              labels: labels.get(`${device}\u0000${cs}`, () => ({ clocksource: cs, device })),
              value: 1,
            });
      const cur = reader.tryText(`${dir}/current_clocksource`);
      if (cur)
        current.push({
          labels: labels.get(`${device}\u0000${cur}`, () => ({ clocksource: cur, device })),
          value: 1,
        });
    }
    if (available.length > 0)
      out.push(
        family(
          'node_time_clocksource_available_info',
          "Available clocksources read from '/sys/devices/system/clocksource'.",
          'gauge',
          available,
        ),
      );
    if (current.length > 0)
      out.push(
        family(
          'node_time_clocksource_current_info',
          "Current clocksource read from '/sys/devices/system/clocksource'.",
          'gauge',
          current,
        ),
      );
    return out;
  }

  return { name: 'time', unavailableReason: async () => null, collect: async () => collect() };
}
