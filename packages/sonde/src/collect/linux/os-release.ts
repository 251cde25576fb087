// node_exporter's `os` collector: node_os_info and node_os_version from
// /etc/os-release (or /usr/lib/os-release), re-read only when it changes.
import { statSync } from 'node:fs';
import type { Labels } from '../../storage/types.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { type HostPaths, root } from './paths.js';

export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) continue;
    let v = line.slice(eq + 1);
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
    out.set(line.slice(0, eq), v.replace(/\\(["'$`\\])/g, '$1'));
  }
  return out;
}

/** node_exporter reads VERSION_ID as a float of its leading "major.minor". */
function versionNumber(id: string): number {
  const m = /^(\d+)(\.\d+)?/.exec(id);
  return m ? Number(m[0]) : 0;
}

export function createOsReleaseCollector(paths: HostPaths): Collector {
  const reader = new FileReader(2048);
  const files = [root(paths, 'etc/os-release'), root(paths, 'usr/lib/os-release')];
  let stamp = '';
  let cached: MetricFamily[] = [];

  function collect(): MetricFamily[] {
    for (const f of files) {
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(f);
      } catch {
        continue;
      }
      const next = `${f}\u0000${st.mtimeMs}\u0000${st.size}`;
      if (next === stamp) return cached;
      const p = parseOsRelease(reader.text(f));
      const g = (k: string) => p.get(k) ?? '';
      const info: Labels = Object.freeze({
        build_id: g('BUILD_ID'),
        id: g('ID'),
        id_like: g('ID_LIKE'),
        image_id: g('IMAGE_ID'),
        image_version: g('IMAGE_VERSION'),
        name: g('NAME'),
        pretty_name: g('PRETTY_NAME'),
        variant: g('VARIANT'),
        variant_id: g('VARIANT_ID'),
        version: g('VERSION'),
        version_codename: g('VERSION_CODENAME'),
        version_id: g('VERSION_ID'),
      });
      const version: Labels = Object.freeze({ id: g('ID'), id_like: g('ID_LIKE'), name: g('NAME') });
      cached = [
        {
          name: 'node_os_info',
          help: "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
          type: 'gauge',
          samples: [{ labels: info, value: 1 }],
        },
        {
          name: 'node_os_version',
          help: 'Metric containing the major.minor part of the OS version.',
          type: 'gauge',
          samples: [{ labels: version, value: versionNumber(g('VERSION_ID')) }],
        },
      ];
      stamp = next;
      return cached;
    }
    throw new Error(`none of ${files.join(', ')} found`);
  }

  return {
    name: 'os',
    async unavailableReason() {
      for (const f of files) {
        try {
          statSync(f);
          return null;
        } catch {}
      }
      return `${files.join(' or ')} not found`;
    },
    async collect() {
      return collect();
    },
  };
}
