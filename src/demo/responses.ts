import { z } from 'zod';
import { HAND_FAULTS } from './rack-faults.js';

/** A demo machine's simulated fault, as GET and POST /api/demo/rack/machines/{id}/fault answer. */
export const DemoMachineFault = z.object({
  machineId: z.number(),
  address: z.string(),
  fault: z.string().nullable().describe('The simulated fault now; null when healthy'),
  choices: z.array(z.enum(HAND_FAULTS)),
});
