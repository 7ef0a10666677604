import { describe, expect, it } from 'vitest';
import { csvField, csvLine, csvLines } from './csv.js';

describe('CSV', () => {
  it('quotes what would break a field, and only that', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 12, null])).toBe(
      'plain,"a,b","say ""hi""","two\nlines",12,\r\n',
    );
  });

  it('keeps a formula as text and a signed number as a number', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1234.50')).toBe('-1234.50');
    expect(csvField('-rf')).toBe("'-rf");
  });

  it('writes a nested value as its JSON text', () => {
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('heads the lines with the first row fields and reads later rows by them', async () => {
    async function* rows() {
      yield { id: '1', cents: '100' };
      yield { cents: '250', id: '2', extra: 'x' };
    }
    const lines: string[] = [];
    for await (const l of csvLines(rows())) lines.push(l);
    expect(lines).toEqual(['id,cents\r\n', '1,100\r\n', '2,250\r\n']);
  });
});
