// node_exporter's `netstat` collector: /proc/net/netstat, /proc/net/snmp and
// /proc/net/snmp6 counters matching its default field pattern, untyped,
// named node_netstat_<Protocol>_<Field>.
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import { KeyCache, type Scanner } from '../lib/scan.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export const DEFAULT_NETSTAT_FIELDS =
  '^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$';

interface Col {
  name: string;
  help: string;
}

/** A parsed header line of a header/values pair: what each column means, null if not kept. */
interface Header {
  line: string;
  cols: (Col | null)[];
}

export function createNetstatCollector(paths: HostPaths, fields = DEFAULT_NETSTAT_FIELDS): Collector {
  const reader = new FileReader(16 * 1024);
  const pattern = new RegExp(fields);
  const netstatPath = proc(paths, 'net/netstat');
  const snmpPath = proc(paths, 'net/snmp');
  const snmp6Path = proc(paths, 'net/snmp6');
  const headers = new Map<string, Header[]>();
  const snmp6Keys = new KeyCache<Col | null>();

  function col(protocol: string, name: string): Col | null {
    const key = `${protocol}_${name}`;
    return pattern.test(key) ? { name: `node_netstat_${key}`, help: `Statistic ${protocol}${name}.` } : null;
  }

  /** Header line / value line pairs: "TcpExt: SyncookiesSent ..." then "TcpExt: 0 ...". */
  function readPairs(path: string, out: MetricFamily[]): void {
    const s = reader.scan(path);
    let cache = headers.get(path);
    if (!cache) headers.set(path, (cache = []));
    let pair = 0;
    while (s.nextLine()) {
      let h = cache[pair];
      if (!h || !s.lineIs(h.line)) {
        const line = s.line();
        const parts = line.split(' ');
        const protocol = parts[0].slice(0, -1);
        h = { line, cols: parts.slice(1).map((n) => col(protocol, n)) };
        cache[pair] = h;
      }
      pair++;
      if (!s.nextLine()) throw new Error(`${path}: header without values`);
      s.field(); // "Proto:"
      for (let i = 0; i < h.cols.length; i++) {
        if (!s.field())
          throw new Error(`${path}: field count mismatch in ${h.line.slice(0, h.line.indexOf(':'))}`);
        const c = h.cols[i];
        if (c) out.push(single(c.name, c.help, 'unknown', s.num()));
      }
    }
  }

  /** "Ip6InReceives 123" lines; the protocol is the name up to and including its "6". */
  function readSnmp6(s: Scanner, out: MetricFamily[]): void {
    let i = 0;
    while (s.nextLine()) {
      if (!s.field()) continue;
      const c = snmp6Keys.get(s, i++, (key) => {
        const six = key.indexOf('6');
        return six < 0 ? null : col(key.slice(0, six + 1), key.slice(six + 1));
      });
      if (!c) continue;
      out.push(single(c.name, c.help, 'unknown', s.nextNum()));
    }
  }

  function collect(): MetricFamily[] {
    const out: MetricFamily[] = [];
    readPairs(netstatPath, out);
    readPairs(snmpPath, out);
    const s6 = reader.tryScan(snmp6Path); // absent when IPv6 is off
    if (s6) readSnmp6(s6, out);
    return out;
  }
  return linuxCollector('netstat', [netstatPath], collect);
}
