// Forwarding: remote_write out to Prometheus-compatible stores, durable
// through outages, and agent mode (forward only, no local store).
export { DiskQueue, type DiskQueueOptions, type QueueRecord } from './disk-queue.js';
export { forwardOnly, withForwarding } from './forwarding-storage.js';
export { createRemoteWriters } from './from-config.js';
export { type RemoteEndpoint, RemoteWriteClient, type SendOutcome } from './remote-write-client.js';
export { RemoteWriter, type RemoteWriterOptions, type RemoteWriterStats } from './remote-writer.js';
export { encodeWriteRequest, type SeriesBatch } from './write-request-encoder.js';
