import { describe, expect, it } from 'vitest';
import {
  AvalonFieldText,
  extractAvalonModules,
  parseAvalonFields,
  readAvalonModule,
  splitVersion,
} from './avalon.js';
import { decodeReply } from './codec.js';
import { readFixture } from './testing-fixtures.js';

type Reply = { STATS: Record<string, string>[] };
const stats = (name: string) => decodeReply(readFixture(name)).value as unknown as Reply;

describe('parseAvalonFields', () => {
  it('types scalars, lists, units, nested pairs and keeps unknown keys', () => {
    const f = parseAvalonFields(
      'Ver[1047-19120401_d46bc64_0367a8b] DNA[0201000017cdf409] MEMFREE[2601024 B] ' +
        'SYSTEMSTATU[Work: In Work, Hash Board: 2 ] Elapsed[103840]BOOTBY[1] DH[1.063%] FanR[47%] ' +
        'PS[0 1212 1315 174 2288 1320] PVT_T0[ 70  69  67] FACOPTS0[] POW_I2C_CONN[SUCCES] ' +
        'HS_RCD0[Tenv:28 Tavg:65 Fan1:3171] ATAOPTS0[--avalon10-freq 562:587 --avalon10-voltage-level 36 ] ZZZ[7]',
    );
    expect(f).toEqual({
      Ver: '1047-19120401_d46bc64_0367a8b',
      DNA: '0201000017cdf409',
      MEMFREE: 2601024,
      SYSTEMSTATU: 'Work: In Work, Hash Board: 2',
      Elapsed: 103840,
      BOOTBY: '1',
      DH: 1.063,
      FanR: 47,
      PS: [0, 1212, 1315, 174, 2288, 1320],
      PVT_T0: [70, 69, 67],
      FACOPTS0: '',
      POW_I2C_CONN: 'SUCCES',
      HS_RCD0: { Tenv: 28, Tavg: 65, Fan1: 3171 },
      ATAOPTS0: '--avalon10-freq 562:587 --avalon10-voltage-level 36',
      ZZZ: 7,
    });
  });

  it("strips the new firmware's 'STATS':{…} wrapper and keeps keys with spaces", () => {
    const f = parseAvalonFields("'STATS':{Ver[Q-25052801_14a19a2] DNA[<DELETED>] ADJ[1] Nonce Mask[25]}");
    expect(f).toEqual({ Ver: 'Q-25052801_14a19a2', DNA: '<DELETED>', ADJ: 1, 'Nonce Mask': 25 });
  });

  it('keeps complete fields of a string cut in the middle', () => {
    expect(parseAvalonFields('Temp[18] TMax[64] PVT_T0[ 56  5')).toEqual({ Temp: 18, TMax: 64 });
  });
});

describe('chips per board', () => {
  it('counts a per-chip list whatever its form, and invents no count for a list that is not numbers', () => {
    const boards = readAvalonModule(
      AvalonFieldText.parse('MTmax[70 71 72 73] PVT_T0[56  57 58] PVT_T1[56%] MW2[3 4] PVT_T3[n/a 57]'),
    ).boards;
    expect(boards.map((b) => b.chips)).toEqual([3, 1, 2, undefined]);
    expect(boards.map((b) => b.chipMaxC)).toEqual([70, 71, 72, 73]);
  });
});

describe('splitVersion', () => {
  it('reads model and firmware from every generation of Ver', () => {
    expect(splitVersion('1246-83-21072802_4ec6bb0_211fc46')).toEqual({
      model: '1246-83',
      firmware: '21072802_4ec6bb0_211fc46',
    });
    expect(splitVersion('1047-20051101_85dc6f0_0332654')).toEqual({
      model: '1047',
      firmware: '20051101_85dc6f0_0332654',
    });
    expect(splitVersion('Q-25052801_14a19a2')).toEqual({ model: 'Q', firmware: '25052801_14a19a2' });
    expect(splitVersion('7411706-3162860')).toEqual({ model: '741', firmware: '7411706-3162860' });
    expect(splitVersion('weird')).toEqual({});
  });
});

describe('readAvalonModule on real strings', () => {
  it('A1047 fw 19120401: boards, chips, temperatures, fans, PSU', () => {
    const [entry] = extractAvalonModules(stats('avalon1047_stats_fw19120401.json').STATS);
    const m = entry!.module;
    expect(entry!.device).toBe('AVA100');
    expect(entry!.key).toBe('MM ID0');
    expect(m.model).toBe('1047');
    expect(m.firmware).toBe('19120401_d46bc64_0367a8b');
    expect(m.dna).toBe('0201000017cdf409');
    expect(m.workState).toBe('In Work');
    expect(m.boardsWorking).toBe(2);
    expect(m.inletC).toBe(28);
    expect(m.chipMaxC).toBe(75);
    expect(m.chipAvgC).toBe(64);
    expect(m.fansRpm).toEqual([2984, 2972]);
    expect(m.fanDutyPercent).toBe(47);
    expect(m.psu).toEqual({
      errorCode: 0,
      controllerVolts: 12.12,
      hashboardVolts: 13.15,
      currentA: 174,
      outputW: 2288,
      setVolts: 13.2,
    });
    expect(m.powerW).toBe(2288);
    expect(m.nominalGhs).toBe(37768.67);
    expect(m.averageGhs).toBe(37235.34);
    expect(m.totalChips).toBe(240);
    expect(m.boards).toEqual([
      { index: 0, ghs: 18727.58, chipMaxC: 75, chipAvgC: 66, chips: 120 },
      { index: 1, ghs: 18507.76, chipMaxC: 70, chipAvgC: 62, chips: 120 },
    ]);
    expect(m.workMode).toBe(1);
    expect(m.hardwareErrors).toBe(135);
    expect(m.allFields().HS_RCD4).toEqual({
      Tenv: 28,
      Tavg: 65,
      Fan1: 3210,
      Fan2: 3198,
      V12: 1212,
      Vout: 1315,
      P_I: 174,
      P_P: 2288,
    });
  });

  it('A1047 fw 20051101 with the PSU unreachable (POW_I2C[FAILED]): no invented power', () => {
    const joined = decodeReply(readFixture('avalon1047_pools+summary+stats.json')).value as unknown as {
      stats: Reply[];
    };
    const [entry] = extractAvalonModules(joined.stats[0]!.STATS);
    expect(entry!.module.allFields().PS).toEqual([0, 0, 0, 0, 0, 0]);
    expect(entry!.module.psu).toBeUndefined();
    expect(entry!.module.powerW).toBeUndefined();
    expect(entry!.module.powerLimitW).toBe(2220);
  });

  it('Avalon Q: MM ID0:Summary plus HBinfo, soft-off, wall power', () => {
    const [entry] = extractAvalonModules(stats('avalonq_stats.json').STATS);
    const m = entry!.module;
    expect(entry!.key).toBe('MM ID0:Summary');
    expect(m.model).toBe('Q');
    expect(m.dna).toBeUndefined(); // anonymised upstream as <DELETED>
    expect(m.workState).toBe('In Idle');
    expect(m.softOff).toBe(4);
    expect(m.inletC).toBe(26);
    expect(m.outletC).toBe(27);
    expect(m.fansRpm).toEqual([0, 0, 0, 0]);
    expect(m.powerW).toBe(146);
    expect(m.boards).toEqual([{ index: 0, ghs: 44499.41, chipMaxC: 71, chips: 160 }]);
    expect(m.chipMaxC).toBe(71);
    expect(m.workLevel).toBe(0);
    expect(m.allFields()['Nonce Mask']).toBe(25);
  });

  it('A741: five modules on each of two AUC devices, four boards of 22 chips each', () => {
    const entries = extractAvalonModules(stats('avalon741_stats.json').STATS);
    expect(entries.map((e) => `${e.device}/${e.key}`)).toEqual([
      'AV70/MM ID1',
      'AV70/MM ID2',
      'AV70/MM ID3',
      'AV70/MM ID4',
      'AV70/MM ID5',
      'AV71/MM ID1',
      'AV71/MM ID2',
      'AV71/MM ID3',
      'AV71/MM ID4',
      'AV71/MM ID5',
    ]);
    const m = entries[0]!.module;
    expect(m.model).toBe('741');
    expect(m.fansRpm).toEqual([2550]);
    expect(m.chipMaxC).toBe(89);
    expect(m.boards.map((b) => b.chips)).toEqual([22, 22, 22, 22]);
    expect(m.allFields().PVT_T).toBe('21-80/14-88/84 0-81/11-89/86 21-78/10-87/83 20-77/11-85/81');
  });
});
