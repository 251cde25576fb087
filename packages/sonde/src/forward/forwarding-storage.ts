// Puts remote_write forwarding on the storage seam: every sample the store
// accepts is also queued for each remote (a tee), and in agent mode there is
// no local store at all, only the queues.
import { MemoryStorage } from '../storage/memory.js';
import type { Appender, AppendResult, Storage } from '../storage/types.js';
import type { RemoteWriter } from './remote-writer.js';

/** The local store, with each committed batch also queued for every writer. */
export function withForwarding(local: Storage, writers: readonly RemoteWriter[]): Storage {
  if (writers.length === 0) return local;
  const appender = (): Appender => {
    const inner = local.appender();
    return {
      append(labels, t, v) {
        inner.append(labels, t, v);
        for (const w of writers) w.append(labels, t, v);
      },
      appendHistogram(labels, t, h) {
        inner.appendHistogram(labels, t, h);
      },
      async commit() {
        const result = await inner.commit();
        for (const w of writers) w.commit();
        return result;
      },
      rollback() {
        inner.rollback();
        for (const w of writers) w.rollback();
      },
    };
  };
  return new Proxy(local, {
    get(target, prop, receiver) {
      if (prop === 'appender') return appender;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Agent mode: appends go only to the remote queues; reads find nothing.
 * Commit resolves once the batch is durable in the queues.
 */
export function forwardOnly(writers: readonly RemoteWriter[]): Storage {
  const empty = new MemoryStorage();
  return new Proxy(empty, {
    get(target, prop, receiver) {
      if (prop === 'appender') {
        return (): Appender => {
          let n = 0;
          let histograms = 0;
          return {
            append(labels, t, v) {
              n++;
              for (const w of writers) w.append(labels, t, v);
            },
            appendHistogram() {
              // The sender encodes float samples only: native histograms are counted as refused.
              histograms++;
            },
            async commit(): Promise<AppendResult> {
              for (const w of writers) w.commit();
              const result = { accepted: n, outOfOrder: 0, duplicate: 0, tooOld: 0, invalid: histograms };
              n = 0;
              histograms = 0;
              return result;
            },
            rollback() {
              n = 0;
              histograms = 0;
              for (const w of writers) w.rollback();
            },
          };
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
