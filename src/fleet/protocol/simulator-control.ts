/**
 * The commands that change a simulated miner: Avalon `ascset` options (Canaan's Avalon A10 API
 * manual, and the option list a real Avalon Q prints, test/fixtures/miner-responses/
 * avalonq_ascset_help.json) and cgminer's pool priority commands, with cgminer's message codes.
 */
import type { Status } from './simulator-format.js';
import { isSoftOff, type MinerState, savedPools, settle } from './simulator-models.js';

/** What a control command answers: a STATUS row only. */
export interface Reply {
  status: Status;
}

/** The controller's web login, which the A10 `setpool` form carries in clear text. */
const WEB_USER = 'root';
const WEB_PASSWORD = 'root';

export function status(
  state: MinerState,
  now: number,
  code: number,
  message: string,
  severity: Status['severity'] = 'S',
): Status {
  const when = Math.max(1, Math.floor((now - state.bootAt) / 1000)) + 12;
  return { severity, when, code, message };
}

export const info = (state: MinerState, now: number, msg: string) =>
  status(state, now, 118, `ASC 0 set info: ${msg}`, 'I');
export const setOk = (state: MinerState, now: number) => status(state, now, 119, 'ASC 0 set OK');
export const setError = (state: MinerState, now: number, msg: string) =>
  status(state, now, 120, `ASC 0 set failed: ${msg}`, 'E');

export function ascsetReply(
  state: MinerState,
  now: number,
  parameter: string,
): { reply: Reply; rebootAfter?: number } {
  const [device, option, ...rest] = parameter.split(',');
  const value = rest.join(',');
  if (device !== '0')
    return { reply: { status: status(state, now, 120, `Invalid ASC id ${device ?? ''}`, 'E') } };
  const at = (text: string) => {
    const ts = Number(/^1:(\d+)$/.exec(text)?.[1]);
    return Number.isFinite(ts) ? ts : undefined;
  };
  switch (option) {
    case 'softoff': {
      const ts = at(value);
      if (ts === undefined) return { reply: { status: setError(state, now, 'Invalid parameter') } };
      settle(state, now);
      if (!isSoftOff(state, now)) state.softOffAt = Math.max(now, ts * 1000);
      state.softOnAt = undefined;
      return { reply: { status: info(state, now, `success softoff:${ts}`) } };
    }
    case 'softon': {
      const ts = at(value);
      if (ts === undefined) return { reply: { status: setError(state, now, 'Invalid parameter') } };
      if (state.softOffAt !== undefined) state.softOnAt = Math.max(now, ts * 1000, state.softOffAt);
      settle(state, now);
      return { reply: { status: info(state, now, `success softon:${ts}`) } };
    }
    case 'reboot': {
      const delay = /^\d+$/.test(value) && Number(value) <= 300 ? Number(value) : 0;
      return { reply: { status: setOk(state, now) }, rebootAfter: delay };
    }
    case 'workmode': {
      const mode = Number(value.replace(/^set,/, ''));
      if (value === '255') return { reply: { status: info(state, now, `WORKMODE[${state.workMode}]`) } };
      if (!Number.isInteger(mode) || mode < 0 || mode >= state.spec.modes.length) {
        return {
          reply: { status: setError(state, now, `workmode must be 0 to ${state.spec.modes.length - 1}`) },
        };
      }
      state.pendingWorkMode = mode;
      return { reply: { status: setOk(state, now) } };
    }
    case 'worklevel': {
      const level = Number(value.replace(/^set,/, ''));
      if (!Number.isInteger(level) || level < 0 || level > 2)
        return { reply: { status: setError(state, now, 'Invalid parameter') } };
      state.workLevel = level;
      return { reply: { status: setOk(state, now) } };
    }
    case 'led': {
      if (value === '1-255') return { reply: { status: info(state, now, `LED[${state.led}]`) } };
      if (value !== '1-0' && value !== '1-1')
        return { reply: { status: setError(state, now, 'Invalid parameter') } };
      state.led = value === '1-1' ? 1 : 0;
      return { reply: { status: setOk(state, now) } };
    }
    case 'setpool': {
      // A10 manual: setpool,<webuser>,<webpass>,<url>,<worker>,<workerpass>; Foreman adds an index before the URL.
      const parts = rest;
      const indexed = parts.length === 6 && /^\d+$/.test(parts[2]!);
      const [user, password] = parts;
      const [url, worker] = indexed ? [parts[3], parts[4]] : [parts[2], parts[3]];
      const slot = indexed ? Number(parts[2]) : 0;
      if (user !== WEB_USER || password !== WEB_PASSWORD)
        return { reply: { status: setError(state, now, 'wrong web user or password') } };
      if (!url || !worker || slot > 2)
        return { reply: { status: setError(state, now, 'Invalid parameter') } };
      const pools = [...(state.pendingPools ?? savedPools(state))];
      pools[Math.min(slot, pools.length)] = { url, user: worker };
      state.pendingPools = pools;
      return {
        reply: { status: info(state, now, `Pool ${slot} set. Please reboot miner to make config work.`) },
      };
    }
    case 'help':
      return {
        reply: { status: info(state, now, 'help|reboot|softon|softoff|workmode|worklevel|led|setpool|') },
      };
    default:
      return { reply: { status: setError(state, now, `unknown option '${option ?? ''}'`) } };
  }
}

/** cgminer's own limit is memory; a controller's config holds a handful, and so does this one. */
export const MAX_POOLS = 8;

/**
 * `addpool|URL,USR,PASS` (cgminer api.c): appended at the lowest priority and not saved, so the
 * next reboot forgets it. The password is not kept: nothing here logs into a pool.
 */
export function addPool(state: MinerState, now: number, parameter: string | undefined): Reply {
  if (parameter === undefined || parameter === '')
    return { status: status(state, now, 52, 'Missing addpool details', 'E') };
  const [url, user, password, ...extra] = parameter.split(',');
  if (!url || !user || password === undefined || extra.length > 0)
    return { status: status(state, now, 53, `Invalid addpool details '${parameter}'`, 'E') };
  if (state.pools.length >= MAX_POOLS)
    return { status: status(state, now, 54, `Reached maximum number of pools (${MAX_POOLS})`, 'E') };
  const index = state.pools.length;
  state.pools = [...state.pools, { url, user }];
  state.addedPools++;
  state.poolOrder = [...state.poolOrder, index];
  return { status: status(state, now, 55, `Added pool ${index}: '${url}'`) };
}

export function poolCommand(
  command: string,
  state: MinerState,
  now: number,
  parameter: string | undefined,
): Reply {
  const last = state.pools.length - 1;
  if (command === 'switchpool') {
    if (parameter === undefined || parameter === '')
      return { status: status(state, now, 25, 'Missing pool id', 'E') };
    const id = Number(parameter);
    if (!Number.isInteger(id) || id < 0 || id > last) {
      return { status: status(state, now, 26, `Invalid pool id ${parameter} - range is 0 - ${last}`, 'E') };
    }
    state.poolOrder = [id, ...state.poolOrder.filter((p) => p !== id)];
    return { status: status(state, now, 27, `Switching to pool ${id}:'${state.pools[id]!.url}'`) };
  }
  // poolpriority|2,0,1: listed pools first in that order, the rest keep their order.
  const ids = (parameter ?? '').split(',').map(Number);
  if (
    ids.length === 0 ||
    ids.some((id) => !Number.isInteger(id) || id < 0 || id > last) ||
    new Set(ids).size !== ids.length
  ) {
    return { status: status(state, now, 53, `Invalid pool priority list '${parameter ?? ''}'`, 'E') };
  }
  state.poolOrder = [...ids, ...state.poolOrder.filter((p) => !ids.includes(p))];
  return { status: status(state, now, 73, 'Changed pool priorities') };
}
