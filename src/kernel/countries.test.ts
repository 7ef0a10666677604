import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COUNTRY_NAMES, countryCodeOf, countryNameTable, isCountryCode } from './countries.js';
import { zCountry } from './fields.js';

const MIGRATION = '0920_mining_site_country_codes.sql';

describe('countries by ISO 3166-1 alpha-2 code', () => {
  it('knows the 249 assigned codes and no others', () => {
    expect(Object.keys(COUNTRY_NAMES)).toHaveLength(249);
    expect(isCountryCode('SG')).toBe(true);
    for (const notOne of ['XX', 'UK', 'EU', 'ZZ', 'sg', 'SGP'])
      expect(isCountryCode(notOne), notOne).toBe(false);
  });

  it('reads a code in any case or a name (the table’s or an alias), and nothing else', () => {
    expect(countryCodeOf(' sg ')).toBe('SG');
    expect(countryCodeOf('Singapore')).toBe('SG');
    expect(countryCodeOf('united states')).toBe('US');
    expect(countryCodeOf('USA')).toBe('US');
    expect(countryCodeOf('Kazakhstan')).toBe('KZ');
    expect(countryCodeOf('UK')).toBe('GB');
    expect(countryCodeOf('Atlantis')).toBeUndefined();
  });

  it('refuses a name at the edge with a message that says what to write', () => {
    expect(zCountry.parse(' kz ')).toBe('KZ');
    const r = zCountry.safeParse('Singapore');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/ISO 3166-1 alpha-2 country code such as US, SG or KZ/);
  });

  it('has migration 0920 carry the same name table as this module', () => {
    const text = readFileSync(new URL(`../db/migrations/${MIGRATION}`, import.meta.url), 'utf8');
    const rows = [...text.matchAll(/^ {2}\('((?:[^']|'')*)', '([A-Z]{2})'\)[,;]$/gm)].map(
      (m) => [m[1]!.replaceAll("''", "'"), m[2]!] as const,
    );
    expect(rows).toEqual(countryNameTable());
  });
});
