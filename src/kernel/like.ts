/**
 * A search box's text as a SQL LIKE pattern: rows containing it as typed. `%`, `_` and `\` in what
 * was typed match themselves (escaped with PostgreSQL's default escape), not any text.
 */
export const containing = (typed: string): string => `%${typed.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
