// A receiver integration: renders a notification once (the rendered body goes
// into the outbox) and delivers a rendered body, with its idempotency key.
import type { DeliveryResult } from '../outbox.js';
import type { NotificationData } from '../notification.js';

export interface Integration {
  /** `receiver/kind/index`: the outbox destination and the notification-log key. */
  readonly dest: string;
  readonly sendResolved: boolean;
  render(d: NotificationData): unknown;
  deliver(body: unknown, idempotencyKey: string): Promise<DeliveryResult>;
  close?(): void;
}

/** The header carrying a notification's idempotency key on every attempt. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
