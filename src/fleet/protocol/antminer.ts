/**
 * Bitmain's stock firmware (bmminer, a cgminer fork; Antminer S19 family) as its API answers:
 * the same envelope as cgminer, other fields. Read here into what telemetry.ts needs, each quirk
 * named where it is handled (captures: test/fixtures/miner-responses/antminer_*).
 */
import type { Json } from '../../kernel/json.js';

type Obj = { [key: string]: Json };

export interface AntminerBoard {
  index: number;
  ghs?: number;
  chips?: number;
  /** Chips the firmware marks failed (`x`) in its chip map. */
  failedChips?: number;
  chipMaxC?: number;
}

export interface AntminerReading {
  /** `Type` of the version block, e.g. `Antminer S19 Pro`. */
  model?: string;
  /** `miner_id`: the control board's id, the one stable identity the API gives (no MAC, no DNA). */
  minerId?: string;
  currentGhs?: number;
  averageGhs?: number;
  /** `total_rateideal`: what the boards should do at their frequency. */
  nominalGhs?: number;
  elapsedSeconds?: number;
  boards: AntminerBoard[];
  fansRpm: number[];
  hottestChipC?: number;
}

/**
 * Numbers come as numbers or as strings (`"GHS 5s":"16346.64"` on older firmware, `chain_rate1`
 * always a string, `""` for an empty slot): both are read, an empty string is absent.
 */
function figure(v: Json | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Temperature strings such as `temp_chip1: "7-4-25-27"` or `temp_pic1: "-8--11-10-12"`: four
 * sensors joined by `-`, which is also the minus sign. `0-0-0-0` is an empty slot.
 */
function sensorValues(v: Json | undefined): number[] {
  if (typeof v !== 'string') return [];
  // Each value follows the start or a separating '-', and may carry its own minus sign.
  return [...v.matchAll(/(?:^|-)(-?\d+)/g)].map((m) => Number(m[1]));
}

/** Is this `stats` reply bmminer's? Its first block names `BMMiner` (or `Type` Antminer), its device `BTM_SOC0`. */
export function isAntminerStats(rows: readonly Obj[]): boolean {
  return rows.some(
    (r) =>
      'BMMiner' in r ||
      (typeof r.Type === 'string' && r.Type.startsWith('Antminer')) ||
      (typeof r.ID === 'string' && r.ID.startsWith('BTM')),
  );
}

/**
 * `stats` → reading. The first STATS block is version information, not a device (`BMMiner`,
 * `Type`); the device block follows it. Hashrates are GH/s (`rate_unit: "GH"`), where cgminer's
 * own fields are MH/s. Chains are numbered from 1 with gaps (`chain_acn4: 0` for an empty slot);
 * `chain_acsN` maps every chip, `o` working and `x` failed.
 */
export function readAntminerStats(rows: readonly Obj[]): AntminerReading {
  const info = rows.find((r) => 'BMMiner' in r || ('Type' in r && !('ID' in r)));
  const device = rows.find((r) => typeof r.ID === 'string') ?? rows.find((r) => 'GHS 5s' in r);
  const reading: AntminerReading = { boards: [], fansRpm: [] };
  if (typeof info?.Type === 'string') reading.model = info.Type;
  if (!device) return reading;
  const unit = device.rate_unit === 'MH' ? 1e-3 : device.rate_unit === 'TH' ? 1e3 : 1;
  const ghs = (v: Json | undefined) => {
    const n = figure(v);
    return n === undefined ? undefined : n * unit;
  };
  const set = <K extends keyof AntminerReading>(k: K, v: AntminerReading[K] | undefined) => {
    if (v !== undefined) reading[k] = v;
  };
  set('minerId', typeof device.miner_id === 'string' && device.miner_id !== '' ? device.miner_id : undefined);
  set('currentGhs', ghs(device['GHS 5s']));
  set('averageGhs', ghs(device['GHS av']));
  set('nominalGhs', ghs(device.total_rateideal));
  set('elapsedSeconds', figure(device.Elapsed));

  const fans = figure(device.fan_num) ?? 0;
  for (let f = 1; f <= Math.max(fans, 0) && f <= 16; f++) {
    const rpm = figure(device[`fan${f}`]);
    if (rpm !== undefined) reading.fansRpm.push(rpm);
  }
  // Older firmware lists fans from fan1 to fan8 with zeros for absent ones and no fan_num.
  if (fans === 0) {
    for (let f = 1; f <= 8; f++) {
      const rpm = figure(device[`fan${f}`]);
      if (rpm !== undefined && rpm > 0) reading.fansRpm.push(rpm);
    }
  }

  for (let c = 1; c <= 16; c++) {
    const chips = figure(device[`chain_acn${c}`]);
    if (chips === undefined || chips === 0) continue; // an empty slot
    const board: AntminerBoard = { index: reading.boards.length, chips };
    const rate = ghs(device[`chain_rate${c}`]);
    if (rate !== undefined) board.ghs = rate;
    const map = device[`chain_acs${c}`];
    if (typeof map === 'string') board.failedChips = (map.match(/x/g) ?? []).length;
    // The S19's four chip sensors (`temp_chipN`), else older firmware's `temp2_N` (chip side).
    const sensors = sensorValues(device[`temp_chip${c}`]);
    const hottest = sensors.length > 0 ? Math.max(...sensors) : figure(device[`temp2_${c}`]);
    if (hottest !== undefined && hottest > 0) board.chipMaxC = hottest;
    reading.boards.push(board);
  }
  const hottest = reading.boards.map((b) => b.chipMaxC).filter((t): t is number => t !== undefined);
  if (hottest.length > 0) reading.hottestChipC = Math.max(...hottest);
  return reading;
}

/**
 * bmminer's `devs` spells the temperature `Tenperature` (PROTOCOL.md §1.5; other clients keep
 * the typo in their field maps): the right spelling wins where both appear.
 */
export function devTemperature(row: Obj): number | undefined {
  return figure(row.Temperature) ?? figure(row.Tenperature);
}
