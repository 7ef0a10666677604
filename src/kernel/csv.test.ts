import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, csvStream } from './csv.js';

describe('csv', () => {
  it('quotes only the cells that need it', () => {
    expect(csvCell('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(12n)).toBe('12');
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a', 1, undefined])).toBe('a,1,\r\n');
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
});
