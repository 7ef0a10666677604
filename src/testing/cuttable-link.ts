/**
 * A TCP proxy that a test cuts and restores: the network between one process and its database
 * (a site agent's link home), broken while both ends keep running. Cut, it resets every open
 * connection and every new one, as a link that went down answers; restored, it forwards again.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface CuttableLink {
  /** Where the process connects instead of the target. */
  readonly host: string;
  readonly port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function cuttableLink(
  target: { host: string; port: number },
  listenOn: string,
): Promise<CuttableLink> {
  let down = false;
  const open = new Set<Socket>();
  const track = (s: Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
    // A reset on one side is the other side's to hear about: the proxy only passes it on.
    s.on('error', () => s.destroy());
  };
  const server = createServer((inbound) => {
    track(inbound);
    if (down) {
      inbound.resetAndDestroy();
      return;
    }
    const outbound = connect(target.port, target.host);
    track(outbound);
    inbound.pipe(outbound).pipe(inbound);
    inbound.once('close', () => outbound.destroy());
    outbound.once('close', () => inbound.destroy());
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
    restore() {
      down = false;
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
