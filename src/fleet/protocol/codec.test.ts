import { describe, expect, it } from 'vitest';
import {
  ascset,
  decodeReply,
  encodeRequest,
  isSuccess,
  jsonRequest,
  ProtocolError,
  plainRequest,
  replyStatus,
} from './codec.js';
import { fixtureNames, readFixture } from './testing-fixtures.js';

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return (error as ProtocolError).failure;
  }
  throw new Error('expected a ProtocolError');
}

describe('requests', () => {
  it('builds the JSON and plain forms the firmware reads', () => {
    expect(jsonRequest('summary')).toBe('{"command":"summary"}');
    expect(jsonRequest(['summary', 'pools', 'estats'])).toBe('{"command":"summary+pools+estats"}');
    expect(jsonRequest('ascset', ascset.softOff(1753434821))).toBe(
      '{"command":"ascset","parameter":"0,softoff,1:1753434821"}',
    );
    expect(plainRequest('ascset', ascset.softOff(123))).toBe('ascset|0,softoff,1:123');
    expect(plainRequest('summary')).toBe('summary');
    expect(plainRequest('switchpool', 1)).toBe('switchpool|1');
    expect(ascset.reboot()).toBe('0,reboot,0');
  });

  it('refuses joins of commands that change the miner or take a parameter', () => {
    expect(failure(() => jsonRequest(['summary', 'ascset']))).toBe('bad-request');
    expect(failure(() => jsonRequest('summary+pools', '0'))).toBe('bad-request');
    expect(failure(() => jsonRequest('Summary'))).toBe('bad-request');
    expect(failure(() => jsonRequest('summary;reboot'))).toBe('bad-request');
  });

  it('refuses what the single 4 KB recv would cut or what breaks the line', () => {
    expect(failure(() => encodeRequest({ command: 'ascset', parameter: 'x'.repeat(5000) }))).toBe(
      'bad-request',
    );
    expect(failure(() => plainRequest('ascset', '0,led\n1-1'))).toBe('bad-request');
  });
});

describe('decodeReply on clean replies', () => {
  it('strips the trailing NUL and reads JSON without repairs', () => {
    const raw = Buffer.from(`${readFixture('avalon1566_version.json')}\u0000`, 'utf8');
    const reply = decodeReply(raw);
    expect(reply.format).toBe('json');
    expect(reply.repairs).toEqual([]);
    expect(replyStatus(reply.value)).toEqual({
      status: 'S',
      code: 22,
      message: 'CGMiner versions',
      when: 986,
      description: 'cgminer 4.11.1',
    });
  });

  it('decodes every captured reply; only the nan one needs repairs', () => {
    for (const name of fixtureNames()) {
      const reply = decodeReply(`${readFixture(name)}\u0000`);
      expect(reply.format, name).toBe('json');
      if (name.includes('_nan')) {
        expect(reply.repairs).toEqual([
          'replaced 1 bare nan/inf number(s) with null',
          'ignored 1 byte(s) after the JSON value',
        ]);
      } else {
        expect(reply.repairs, name).toEqual([]);
      }
    }
  });

  it('treats STATUS I as success (Avalon ascset info replies)', () => {
    const reply = decodeReply(readFixture('avalonq_ascset_softoff.json'));
    expect(isSuccess(replyStatus(reply.value))).toBe(true);
    expect(replyStatus(reply.value)?.message).toBe('ASC 0 set info: success softoff:1753434821');
  });
});

describe('decodeReply repairs known firmware defects and says so', () => {
  const repaired = (raw: string) => decodeReply(raw);

  it('inserts the comma bmminer drops between objects', () => {
    const r = repaired('{"STATS":[{"a":1}{"b":2}],"id":1}');
    expect(r.value).toEqual({ STATS: [{ a: 1 }, { b: 2 }], id: 1 });
    expect(r.repairs).toEqual(["inserted 1 missing comma(s) between values (e.g. '}{')"]);
  });

  it('turns bare nan/inf into null but leaves "nan" inside strings alone', () => {
    const r = repaired('{"MHS av":nan,"T":inf,"U":-inf,"User":"nancy.inf","URL":"a}{b"}');
    expect(r.value).toEqual({ 'MHS av': null, T: null, U: null, User: 'nancy.inf', URL: 'a}{b' });
    expect(r.repairs).toEqual(['replaced 3 bare nan/inf number(s) with null']);
  });

  it('drops trailing and leading commas', () => {
    expect(repaired('{"a":1,}').value).toEqual({ a: 1 });
    expect(repaired('{"a":[,{"b":2}]}').value).toEqual({ a: [{ b: 2 }] });
    expect(repaired('{"a":[1,,2,]}').repairs).toEqual(["dropped 2 extra comma(s) (e.g. ',}' or '[,')"]);
  });

  it('skips garbage before the first brace', () => {
    const r = repaired('\u00ff\u0001HTTP/1.0 200 OK\r\n\r\n{"id":1}');
    expect(r.value).toEqual({ id: 1 });
    expect(r.repairs[0]).toMatch(/skipped \d+ byte\(s\) of garbage/);
  });

  it("reads Avalon's reply that starts with ',\"id\":1}' as an object", () => {
    const r = repaired(',"id":1}');
    expect(r.value).toEqual({ id: 1 });
    expect(r.repairs).toEqual(["reply began with ',' instead of '{' (Avalon defect); read it as '{'"]);
  });

  it('removes stray control bytes inside and outside strings', () => {
    const r = repaired('{"a":\u0001 1,\u0007"b":"x\u0002y"}');
    expect(r.value).toEqual({ a: 1, b: 'xy' });
    expect(r.repairs).toEqual(['removed 3 stray control byte(s)']);
  });

  it('cuts a truncated tail back to the last complete value and closes the brackets', () => {
    const full = readFixture('avalon1566_pools.json').replace(/\s+/g, '');
    const cut = full.slice(0, full.indexOf('"POOL":1') + 20);
    const r = repaired(cut);
    const pools = (r.value as { POOLS: Record<string, unknown>[] }).POOLS;
    expect(pools).toHaveLength(2);
    expect(pools[0]!.URL).toBe('stratum+tcp://stratum.pool.io:3333');
    expect(pools[1]).toEqual({ POOL: 1 });
    expect(r.repairs).toEqual([
      'reply was truncated: cut back to the last complete value and closed 3 bracket(s)',
    ]);
  });

  it('never keeps a number or string that the cut may have shortened', () => {
    expect(repaired('{"a":1,"b":12').value).toEqual({ a: 1 });
    expect(repaired('{"a":1,"b":"abc').value).toEqual({ a: 1 });
    expect(repaired('{"a":1,"b":tr').value).toEqual({ a: 1 });
  });

  it('keeps a key called __proto__ as data, never as a prototype', () => {
    const r = repaired('{"__proto__":{"polluted":true},"a":nan}');
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(Object.hasOwn(r.value as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('decodeReply on the plain-text form', () => {
  it('reads STATUS=…|SECTION,k=v|, with escapes, into the JSON shape', () => {
    const raw =
      'STATUS=S,When=986,Code=7,Msg=2 Pool(s),Description=cgminer 4.11.1|' +
      'POOL=0,URL=stratum+tcp://a.example:3333,Status=Alive,Priority=0,User=w\\,1\\|x\\=y\\\\z,Stratum Active=true|' +
      'POOL=1,URL=stratum+tcp://b.example:443,Status=Dead,Priority=1,User=w2,Stratum Active=false|\u0000';
    const r = decodeReply(raw);
    expect(r.format).toBe('text');
    expect(r.repairs).toEqual([]);
    expect(r.value).toEqual({
      STATUS: [{ STATUS: 'S', When: 986, Code: 7, Msg: '2 Pool(s)', Description: 'cgminer 4.11.1' }],
      POOLS: [
        {
          POOL: 0,
          URL: 'stratum+tcp://a.example:3333',
          Status: 'Alive',
          Priority: 0,
          User: 'w,1|x=y\\z',
          'Stratum Active': true,
        },
        {
          POOL: 1,
          URL: 'stratum+tcp://b.example:443',
          Status: 'Dead',
          Priority: 1,
          User: 'w2',
          'Stratum Active': false,
        },
      ],
    });
  });

  it('keeps section headers, string-typed ids and Avalon strings with commas', () => {
    const raw =
      'STATUS=S,When=5,Code=22,Msg=CGMiner versions,Description=cgminer 4.11.1|' +
      'VERSION,CGMiner=4.11.1,API=3.7,MAC=123456789012,DNA=0201000017cdf409|';
    expect(decodeReply(raw).value).toEqual({
      STATUS: [{ STATUS: 'S', When: 5, Code: 22, Msg: 'CGMiner versions', Description: 'cgminer 4.11.1' }],
      VERSION: [{ CGMiner: '4.11.1', API: '3.7', MAC: '123456789012', DNA: '0201000017cdf409' }],
    });
    const stats =
      'STATUS=S,When=5,Code=70,Msg=CGMiner stats,Description=cgminer 4.11.1|' +
      'STATS=0,ID=AVA100,Elapsed=155,MM ID0=Ver[1047-x] SYSTEMSTATU[Work: In Work, Hash Board: 2 ] Temp[18],MM Count=1|';
    const value = decodeReply(stats).value as { STATS: Record<string, unknown>[] };
    expect(value.STATS[0]!['MM ID0']).toBe('Ver[1047-x] SYSTEMSTATU[Work: In Work, Hash Board: 2 ] Temp[18]');
    expect(value.STATS[0]!['MM Count']).toBe(1);
  });

  it('splits a joined text reply by its CMD= markers', () => {
    const raw =
      'CMD=summary|STATUS=S,When=1,Code=11,Msg=Summary,Description=d|SUMMARY,Elapsed=10,MHS av=100.00|' +
      'CMD=pools|STATUS=S,When=1,Code=7,Msg=1 Pool(s),Description=d|POOL=0,URL=u,Status=Alive|';
    expect(decodeReply(raw).value).toEqual({
      summary: [
        {
          STATUS: [{ STATUS: 'S', When: 1, Code: 11, Msg: 'Summary', Description: 'd' }],
          SUMMARY: [{ Elapsed: 10, 'MHS av': 100 }],
        },
      ],
      pools: [
        {
          STATUS: [{ STATUS: 'S', When: 1, Code: 7, Msg: '1 Pool(s)', Description: 'd' }],
          POOLS: [{ POOL: 0, URL: 'u', Status: 'Alive' }],
        },
      ],
    });
  });

  it('keeps the last field of a text reply without its closing bar', () => {
    const r = decodeReply('STATUS=S,When=1,Code=11,Msg=Summary,Description=d|SUMMARY,Elapsed=10,MHS av=10');
    expect(r.value).toEqual({
      STATUS: [{ STATUS: 'S', When: 1, Code: 11, Msg: 'Summary', Description: 'd' }],
      SUMMARY: [{ Elapsed: 10, 'MHS av': 10 }],
    });
    expect(r.repairs).toEqual(["text reply did not end with '|': its last record was read as it came"]);
  });

  it('reads a plain-text reply that has no STATUS section, as Canaan prints them', () => {
    const r = decodeReply('SUMMARY,Elapsed=1209,MHS av=81234567.89,Accepted=4512,Hardware Errors=3');
    expect(r.format).toBe('text');
    expect(r.value).toEqual({
      SUMMARY: [{ Elapsed: 1209, 'MHS av': 81234567.89, Accepted: 4512, 'Hardware Errors': 3 }],
    });
  });

  it('refuses nesting deeper than the limit before JSON.parse builds it', () => {
    const deep = `{"SUMMARY":${'['.repeat(100)}${']'.repeat(100)}}`;
    expect(failure(() => decodeReply(deep))).toBe('too-deep');
    // Brackets inside strings are text, not nesting.
    const quoted = `{"SUMMARY":[{"Msg":"${'['.repeat(100)}"}]}`;
    expect(decodeReply(quoted).value).toEqual({ SUMMARY: [{ Msg: '['.repeat(100) }] });
    // An escaped quote does not end the string; an escaped backslash before the quote does.
    const escaped = `{"SUMMARY":[{"Msg":"a\\"${'['.repeat(100)}"}]}`;
    expect(decodeReply(escaped).value).toEqual({ SUMMARY: [{ Msg: `a"${'['.repeat(100)}` }] });
    const ended = `{"SUMMARY":[{"Msg":"a\\\\"},${'['.repeat(100)}${']'.repeat(100)}]}`;
    expect(failure(() => decodeReply(ended))).toBe('too-deep');
  });

  it('says when a JSON reply was cut short rather than answering in full', () => {
    expect(decodeReply('{"STATUS":[{"STATUS":"S"}],"SUMMARY":[{"Elapsed":10,"MHS a').truncated).toBe(true);
    expect(decodeReply('{"STATUS":[{"STATUS":"S"}],"SUMMARY":[{"Elapsed":10}]}\u0000').truncated).toBe(false);
  });

  it('reads the bare RESTART / BYE answers', () => {
    expect(decodeReply('RESTART\u0000').value).toEqual({ STATUS: 'RESTART' });
  });
});

describe('decodeReply refuses what cannot be used, with its own error only', () => {
  it('names the reason', () => {
    expect(failure(() => decodeReply(''))).toBe('empty');
    expect(failure(() => decodeReply('\u0000\u0000'))).toBe('empty');
    expect(failure(() => decodeReply('<html><body>502 Bad Gateway</body></html>'))).toBe('malformed');
    expect(failure(() => decodeReply('{"a":1 2}'))).toBe('malformed');
    expect(failure(() => decodeReply('x'.repeat(101), { maxBytes: 100 }))).toBe('too-large');
    expect(failure(() => decodeReply(`${'['.repeat(100)}${']'.repeat(100)}`))).toBe('too-deep');
    expect(failure(() => decodeReply(`{"a":${'['.repeat(100)}`))).toBe('too-deep');
  });

  it('is a 400-class AppError with a code per reason', () => {
    try {
      decodeReply('');
    } catch (error) {
      expect((error as ProtocolError).kind).toBe('invalid');
      expect((error as ProtocolError).code).toBe('fleet.protocol.empty');
    }
  });
});
