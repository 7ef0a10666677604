/**
 * A TCP proxy that a test cuts and restores: the network between one process and its database
 * (a site agent's link home), broken while both ends keep running. Cut, it resets every open
 * connection and every new one, as a link that went down answers; silenced, it passes nothing on and
 * answers nothing, as a host gone unreachable (packets dropped: the client hears no reset, its
 * statements hang); restored, it forwards again (a silenced connection stays silent).
 */
import { connect, createServer, type Socket } from 'node:net';

export interface CuttableLink {
  /** Where the process connects instead of the target. */
  readonly host: string;
  readonly port: number;
  cut(): void;
  silence(): void;
  restore(): void;
  /** How many connections it has taken from the start. */
  accepted(): number;
  close(): Promise<void>;
}

export async function cuttableLink(
  target: { host: string; port: number },
  listenOn: string,
): Promise<CuttableLink> {
  let down = false;
  let silent = false;
  let accepted = 0;
  const open = new Set<Socket>();
  /** The connections passing bytes, each as its two ends: silenced, they stop. */
  const pairs = new Set<[Socket, Socket]>();
  const track = (s: Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
    // A reset on one side is the other side's to hear about: the proxy only passes it on.
    s.on('error', () => s.destroy());
  };
  const server = createServer((inbound) => {
    track(inbound);
    accepted++;
    if (down) {
      inbound.resetAndDestroy();
      return;
    }
    // Accepted and left unanswered: the client waits for its server's greeting until it gives up.
    if (silent) return;
    const outbound = connect(target.port, target.host);
    track(outbound);
    const pair: [Socket, Socket] = [inbound, outbound];
    pairs.add(pair);
    inbound.pipe(outbound).pipe(inbound);
    // A silenced connection's end is not passed on either: the server keeps its side open.
    inbound.once('close', () => pairs.delete(pair) && outbound.destroy());
    outbound.once('close', () => pairs.delete(pair) && inbound.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenOn, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
  return {
    host: listenOn,
    port: address.port,
    cut() {
      down = true;
      for (const s of open) s.resetAndDestroy();
    },
    silence() {
      silent = true;
      for (const [inbound, outbound] of pairs) {
        inbound.unpipe(outbound);
        outbound.unpipe(inbound);
        inbound.pause();
        outbound.pause();
      }
      pairs.clear();
    },
    restore() {
      down = false;
      silent = false;
    },
    accepted: () => accepted,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
