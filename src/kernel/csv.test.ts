import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, csvLines, csvStream } from './csv.js';

describe('CSV', () => {
  it('quotes only the cells that need it', () => {
    expect(csvCell('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(12n)).toBe('12');
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a', 1, undefined, 'two\nlines'])).toBe('a,1,,"two\nlines"\r\n');
  });

  it('keeps a formula as text and a signed number as a number', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-1234.50')).toBe('-1234.50');
    expect(csvCell('-rf')).toBe("'-rf");
  });

  it('writes a nested value as its JSON text, bigints as decimal strings', () => {
    expect(csvCell({ a: 1n })).toBe('"{""a"":""1""}"');
  });

  it('streams a header then each page as it is read', async () => {
    let read = 0;
    async function* pages() {
      for (const p of [[{ n: 1 }, { n: 2 }], [], [{ n: 3 }]]) {
        read++;
        yield p;
      }
    }
    const stream = csvStream([{ header: 'n', cell: (r: { n: number }) => r.n }], pages());
    let text = '';
    for await (const chunk of stream) text += chunk;
    expect(text).toBe('n\r\n1\r\n2\r\n3\r\n');
    expect(read).toBe(3);
  });

  it('heads rows of any shape with the first row fields and reads later rows by them', async () => {
    async function* rows() {
      yield { id: '1', cents: '100' };
      yield { cents: '250', id: '2', extra: 'x' };
    }
    const lines: string[] = [];
    for await (const l of csvLines(rows())) lines.push(l);
    expect(lines).toEqual(['id,cents\r\n', '1,100\r\n', '2,250\r\n']);
  });
});
