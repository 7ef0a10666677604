import { wholeFromEnv as whole } from '../kernel/env.js';

/** The alerts' settings, read from the environment by the composition root (the README lists them). */
export interface AlertSettings {
  /** Seconds between the evaluator's looks for a finished sweep (and between its poller checks). */
  tickSeconds: number;
  /** A machine's reading older than this is stale: no rule on it fires or resolves. */
  freshSeconds: number;
  /** The first retry of a failed webhook delivery waits this long, then twice as long each time. */
  retryBaseSeconds: number;
  /** A webhook that does not answer within this is a failed attempt. */
  webhookTimeoutMs: number;
}

export function readAlertSettings(env: NodeJS.ProcessEnv): AlertSettings {
  return {
    tickSeconds: whole(env, 'HASHFORGE_ALERT_TICK_SECONDS', 5, 1, 3600),
    freshSeconds: whole(env, 'HASHFORGE_ALERT_FRESH_SECONDS', 180, 10, 86_400),
    retryBaseSeconds: whole(env, 'HASHFORGE_ALERT_RETRY_BASE_SECONDS', 5, 0, 3600),
    webhookTimeoutMs: whole(env, 'HASHFORGE_ALERT_WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000),
  };
}
