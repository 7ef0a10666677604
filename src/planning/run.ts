/**
 * Running a scenario: the market history and the books as of its day, then its paths drawn a slice
 * at a time, the event loop given back between slices (a 10,000-path run holds it for tens of
 * milliseconds at a time, never seconds) and progress reported after each.
 */
import type { AppContext } from '../app/context.js';
import { type CompanyPaths, type CompanyStart, emptyCompanyPaths, runCompany } from './company.js';
import { marketHistory } from './history.js';
import {
  type Calibration,
  calibrate,
  drawMarket,
  emptyMarketPaths,
  type MarketMonth,
  type MarketPaths,
  type PriceModel,
  type Shock,
} from './market.js';
import { seededRandom } from './random.js';
import { horizonMonths, priceModelOf, shocksOf } from './scenario.js';
import type { ScenarioInput } from './schemas.js';
import { companyStart, type StartBasis, type StartReads } from './start.js';

/** Paths drawn between two returns to the event loop. */
const SLICE_PATHS = 500;

export type Progress = (done: number, total: number) => void;

export interface Prepared {
  input: ScenarioInput;
  months: string[];
  history: MarketMonth[];
  calibration: Calibration;
  start: CompanyStart;
  basis: StartBasis;
}

export interface Drawn {
  market: MarketPaths;
  company: CompanyPaths;
}

export async function prepare(
  ctx: AppContext,
  input: ScenarioInput,
  reads: StartReads = {},
): Promise<Prepared> {
  const months = horizonMonths(input);
  const history = await marketHistory(ctx, input.asOf);
  const calibration = calibrate(history);
  const { start, basis } = await companyStart(ctx, input, months, calibration, history, reads);
  return { input, months, history, calibration, start, basis };
}

/** The paths of a prepared scenario under a price model and shocks (the input's own by default). */
export async function draw(
  p: Prepared,
  opts: { model?: PriceModel; shocks?: Shock[]; paths?: number; progress?: Progress } = {},
): Promise<Drawn> {
  const paths = opts.paths ?? p.input.paths;
  const model = opts.model ?? priceModelOf(p.input, p.calibration);
  const shocks = opts.shocks ?? shocksOf(p.input);
  const H = p.months.length;
  const market = emptyMarketPaths(paths, H);
  const company = emptyCompanyPaths(paths, H);
  // Each path's generator comes from the seed and the path's number: slices change nothing.
  const randomFor = (path: number) => seededRandom((Math.imul(p.input.seed, 0x9e3779b1) + path) >>> 0);
  for (let first = 0; first < paths; first += SLICE_PATHS) {
    const count = Math.min(SLICE_PATHS, paths - first);
    drawMarket(market, first, count, p.calibration, model, shocks, p.months, randomFor);
    runCompany(company, first, count, p.start, market);
    opts.progress?.(first + count, paths);
    if (first + count < paths) await new Promise((resolve) => setImmediate(resolve));
  }
  return { market, company };
}
