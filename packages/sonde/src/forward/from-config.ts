// Builds the remote writers the config names, each with its own queue
// directory under the data directory, stable across restarts.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseDuration } from '../config/duration.js';
import type { SondeConfig } from '../config/schema.js';
import type { RemoteEndpoint } from './remote-write-client.js';
import { RemoteWriter } from './remote-writer.js';
import type { SenderLogger } from './shard-sender.js';

/** The endpoint (URL, auth, outgoing TLS, timeout) one `remote_write` entry describes. */
export function endpointFromConfig(rw: SondeConfig['remote_write'][number]): RemoteEndpoint {
  const tls = rw.tls_config;
  return {
    url: rw.url,
    headers: rw.headers,
    timeoutMs: parseDuration(rw.remote_timeout),
    ...(rw.basic_auth ? { basicAuth: rw.basic_auth } : {}),
    ...(rw.authorization ? { bearerToken: rw.authorization.credentials } : {}),
    ...(tls
      ? {
          tls: {
            ...(tls.ca_file ? { caFile: tls.ca_file } : {}),
            ...(tls.cert_file ? { certFile: tls.cert_file } : {}),
            ...(tls.key_file ? { keyFile: tls.key_file } : {}),
            insecureSkipVerify: tls.insecure_skip_verify,
          },
        }
      : {}),
  };
}

export function createRemoteWriters(config: SondeConfig, logger?: SenderLogger): RemoteWriter[] {
  return config.remote_write.map((rw) => {
    const id = rw.name ?? createHash('sha256').update(rw.url).digest('hex').slice(0, 12);
    return new RemoteWriter({
      endpoint: endpointFromConfig(rw),
      dir: join(config.data_dir, 'remote-write', id.replace(/[^\w.-]/g, '_')),
      shards: rw.queue_config.shards,
      maxSamplesPerSend: rw.queue_config.max_samples_per_send,
      maxQueueBytesPerShard: rw.queue_config.max_bytes,
      ...(logger ? { logger } : {}),
    });
  });
}
