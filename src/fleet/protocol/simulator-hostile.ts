/**
 * The ways a miner can try to stall or fool a poller, as the simulator plays them. Each answers a
 * real request on a real socket; what it does to the reply or to the connection:
 *
 * - `silent`: reads the request and never answers (nor closes);
 * - `trickle`: sends its reply one byte a second;
 * - `flood`: sends 50 MB as fast as the reader takes it;
 * - `invalid-json`: a reply whose JSON no repair makes sense of;
 * - `reset`: sends half its reply, then resets the connection (RST);
 * - `no-close`: sends its whole reply, NUL included, and keeps the connection open;
 * - `deep`: 128 KB of nested brackets where the summary should be, under the poller's size limit
 *   so that its depth limit is what stops it (V8 parses it in 50-170 ms);
 * - `absurd-hashrate`: a well-formed reply claiming about 10^12 TH/s (simulator-models `read`).
 */
import type { Socket } from 'node:net';
import type { Fault, HostileFault } from './simulator-models.js';

export type { HostileFault } from './simulator-models.js';

/**
 * The status a poller should give each kind once its failures have run their course: offline when
 * the miner cannot be heard out (silent, trickling, reset), protocol-error when its answer cannot be
 * used; a miner that answers in full and only forgets to close is polled like any other.
 */
export const EXPECTED_STATUS: Record<HostileFault, string> = {
  silent: 'offline',
  trickle: 'offline',
  flood: 'protocol-error',
  'invalid-json': 'protocol-error',
  reset: 'offline',
  'no-close': 'ok',
  deep: 'protocol-error',
  'absurd-hashrate': 'protocol-error',
};

export const FLOOD_BYTES = 50 * 1024 * 1024;
const FLOOD_CHUNK = Buffer.alloc(64 * 1024, '[1,2,3,4,5,6,7,8,9],');
const DEEP_LEVELS = 64 * 1024;
let deepBody: Buffer | undefined;

/** The body a hostile miner sends instead of its real reply, or undefined to send the real one. */
export function hostileBody(fault: Fault | null): Buffer | undefined {
  if (fault === 'invalid-json') {
    // Keys without quotes, values without keys: the shape of a firmware's broken printf.
    return Buffer.from('{STATUS:[{S,When 1710000000,Code:11}],SUMMARY:[{:::}],id:1}\u0000');
  }
  if (fault === 'deep') {
    deepBody ??= Buffer.from(
      `{"STATUS":[{"STATUS":"S","Code":11}],"SUMMARY":${'['.repeat(DEEP_LEVELS)}${']'.repeat(DEEP_LEVELS)},"id":1}\u0000`,
    );
    return deepBody;
  }
  return undefined;
}

const toBytes = (reply: string | Buffer) => (typeof reply === 'string' ? Buffer.from(reply) : reply);

/** Sends `reply` the way `fault` does; false when the fault is not about the connection. */
export function sendHostile(
  socket: Socket,
  fault: Fault | null,
  reply: string | Buffer,
  later: (ms: number, fn: () => void) => void,
): boolean {
  switch (fault as HostileFault) {
    case 'silent':
      return true;
    case 'trickle': {
      const body = toBytes(reply);
      let sent = 0;
      const drip = () => {
        if (socket.destroyed || sent >= body.length) return;
        socket.write(body.subarray(sent, ++sent));
        later(1000, drip);
      };
      drip();
      return true;
    }
    case 'flood': {
      let sent = 0;
      const pour = () => {
        while (!socket.destroyed && sent < FLOOD_BYTES) {
          sent += FLOOD_CHUNK.length;
          if (!socket.write(FLOOD_CHUNK)) return void socket.once('drain', pour);
        }
        if (!socket.destroyed) socket.end('\u0000');
      };
      pour();
      return true;
    }
    case 'reset': {
      const body = toBytes(reply);
      socket.write(body.subarray(0, Math.floor(body.length / 2)), () => socket.resetAndDestroy());
      return true;
    }
    case 'no-close':
      socket.write(reply);
      return true;
    default:
      return false;
  }
}
