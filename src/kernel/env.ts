import { invalid } from './errors.js';

/**
 * A whole number read from an environment variable, with the variable named when it is not one.
 * Only the composition roots read the environment; they parse it with this.
 */
export function wholeFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw invalid(name, `${name} must be a whole number from ${min} to ${max}, got "${text}".`);
  }
  return n;
}
