/**
 * A page of a list kept in the order it was recorded (by id): the items after the last one seen,
 * at most `limit` of them. The reply stays the list itself; a full page means there may be more.
 */
import { zWhole } from './fields.js';

export const PAGE_LIMIT = 500;
export const MAX_PAGE_LIMIT = 5000;

/** The query fields of such a page; `what` names the items in the fields' descriptions. */
export const pageAfter = (what: string) => ({
  after: zWhole({ min: 0 })
    .optional()
    .describe(`Only ${what} after this id: the last id of the previous page`),
  limit: pageLimit(what),
});

/** How many items a page holds: 1 to MAX_PAGE_LIMIT, PAGE_LIMIT unless asked. */
export const pageLimit = (what: string) =>
  zWhole({ min: 1, max: MAX_PAGE_LIMIT })
    .default(PAGE_LIMIT)
    .describe(`${what} per page (1-${MAX_PAGE_LIMIT})`);

export interface PageAfter {
  after?: number | undefined;
  limit?: number | undefined;
}
