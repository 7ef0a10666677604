import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { zId } from '../kernel/fields.js';
import { demoMachineFault, HAND_FAULTS, setDemoMachineFault } from './rack-faults.js';
import { DemoMachineFault } from './responses.js';

const tags = ['demo'];
/** Breaking machines on purpose is for whoever runs the demo, not for a role of the company. */
const role = 'admin';

const MachineParams = z
  .object({ id: zId({ tooSmall: 'must be a machine id (1 or more)' }).describe('Machine id') })
  .strict();
export const FaultBody = z
  .object({
    fault: z
      .enum(HAND_FAULTS)
      .describe(
        'fan-failure (a fan stops), board-down, psu-fault, overheating, offline, or healthy to clear',
      ),
  })
  .strict();

export function registerDemoRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/demo/rack/machines/:id/fault',
    {
      config: { role },
      schema: {
        tags,
        summary:
          "A demo machine's simulated fault; 409 demo.no-simulator when this server runs no demo rack (only `serve --demo` does)",
        params: MachineParams,
        response: { 200: DemoMachineFault },
      },
    },
    async (req) => demoMachineFault(ctx, req.params.id),
  );
  app.post(
    '/api/demo/rack/machines/:id/fault',
    {
      config: { role },
      schema: {
        tags,
        summary:
          'Make a demo machine misbehave (a fan stops, a board goes down, the PSU faults) or heal it: its simulated miner answers so over TCP from now on. 409 demo.no-simulator when no demo rack runs here',
        params: MachineParams,
        body: FaultBody,
        response: { 200: DemoMachineFault },
      },
    },
    async (req) => setDemoMachineFault(ctx, req.params.id, req.body.fault),
  );
}
