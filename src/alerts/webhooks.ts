/**
 * Webhook delivery: each alert transition is queued (alert_deliveries) in the transaction that
 * records it, then POSTed here as JSON signed with the webhook's secret, and retried with doubling
 * waits until the receiver answers 2xx or the attempts run out.
 */
import { createHmac } from 'node:crypto';
import type { AppContext } from '../app/context.js';
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from './model.js';
import type { AlertSettings } from './settings.js';
import { type AlertView, dueDeliveries, markDelivery } from './store.js';

export const SIGNATURE_HEADER = 'x-hashforge-signature';
export const TIMESTAMP_HEADER = 'x-hashforge-timestamp';

/** What a receiver gets: the transition, the alert as the API shows it, and when. */
export function deliveryBody(a: AlertView, at: Date): string {
  return JSON.stringify({ event: `alert.${a.state}`, at: at.toISOString(), alert: a });
}

/**
 * `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>` with the webhook's secret: the receiver
 * recomputes it to know the body came from us, and the timestamp lets it refuse a replay.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface DeliveryReport {
  attempted: number;
  delivered: number;
  failed: number;
  gaveUp: number;
}

/** Sends every delivery that is due, one POST each, a few at a time. */
export async function deliverDue(
  ctx: AppContext,
  settings: Pick<AlertSettings, 'retryBaseSeconds' | 'webhookTimeoutMs'>,
  opts: { limit?: number } = {},
): Promise<DeliveryReport> {
  const now = ctx.clock.now();
  const due = await dueDeliveries(ctx.db, now, opts.limit ?? 100);
  const report: DeliveryReport = { attempted: due.length, delivered: 0, failed: 0, gaveUp: 0 };
  await Promise.all(
    due.map(async (d) => {
      const attempts = d.attempts + 1;
      const failure = await post(d, now, settings.webhookTimeoutMs);
      if (failure === undefined) {
        report.delivered++;
        await markDelivery(ctx.db, d.id, { delivered: ctx.clock.now(), attempts });
        return;
      }
      const last = attempts >= MAX_DELIVERY_ATTEMPTS;
      if (last) report.gaveUp++;
      else report.failed++;
      const wait = retryDelaySeconds(attempts, settings.retryBaseSeconds);
      await markDelivery(ctx.db, d.id, {
        failed: failure,
        attempts,
        at: now,
        nextAttemptAt: last ? undefined : new Date(now.getTime() + wait * 1000),
      });
      ctx.log.warn({ delivery: d.id, attempts, url: d.url }, `alert webhook delivery failed: ${failure}`);
    }),
  );
  return report;
}

/** undefined when the receiver took it (2xx); otherwise why not. */
async function post(
  d: { id: number; url: string; secret: string; transition: string; body: string },
  now: Date,
  timeoutMs: number,
): Promise<string | undefined> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'HashForge-alerts',
        'x-hashforge-event': `alert.${d.transition}`,
        'x-hashforge-delivery': String(d.id),
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signature(d.secret, timestamp, d.body),
      },
      body: d.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.ok ? undefined : `the receiver answered ${res.status}`;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error instanceof Error ? error.message : String(error)}${cause}`;
  }
}
