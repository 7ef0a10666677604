import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipped data folder (market history, the real company's reported figures). */
export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data');
