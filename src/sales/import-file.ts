/**
 * Reading a sales import file (CSV or NDJSON) into checked rows, pure: text in, rows and every
 * rejected row out. Both formats carry the same rows, checked by the same zod schemas as the API:
 *
 *   customer      name, country, region                        (ref: a name later rows use)
 *   contract      customer|customerId, kind, signedOn, terms, lines    (ref)
 *   payment       contract, day, amountUsd, reference?
 *   refund        contract, day, amountUsd, reason?
 *   delivery      contract, day, lines [{lineId, units}]
 *   cancellation  contract, day, reason?, parts? [{lineId?, tranche?, units?}]
 *                 (without parts, as before parts existed: the remainder is cancelled and the
 *                 prepayment not forfeited counts as paid back the same day)
 *   reschedule    contract, day, moves [{lineId, tranche, month, units?}], reason?
 *
 * `contract` is a number (a contract already in the book) or the ref of a contract row earlier in
 * the file; `customer` the ref of a customer row earlier in the file or an existing customer's
 * name, `customerId` an existing customer's number.
 *
 * In CSV each row is one record under a header naming its columns (`type,ref,customer,contract,
 * name,country,region,kind,signedOn,reference,depositPercent,balance,creditDays,
 * depositForfeitedOnCancel,productId,units,usdPerTh,usdPerUnit,tranches,day,amountUsd,lineId,
 * tranche,month,reason`; any order, unused ones may be left out). A contract row holds its first
 * line; `line` rows right after it add more. Tranches are written `2021-01:400;2021-02:300`.
 */
import { z } from 'zod';
import { zId, zText } from '../kernel/fields.js';
import { type RejectedLine, readCsv } from '../market/csv.js';
import type { ContractEvent } from './model-events.js';
import {
  Cancellation,
  Delivery,
  NewContract,
  type NewContractInput,
  NewCustomer,
  type NewCustomerInput,
  Payment,
  Refund,
  Reschedule,
} from './schemas.js';

export interface RejectedRow extends RejectedLine {
  code: string;
}

export type ImportFormat = 'csv' | 'ndjson';

const ref = zText.trim().min(1).max(100).describe('A name later rows of the file use for this row');
const contractRef = z
  .union([zId(), ref])
  .describe('A contract number, or the ref of a contract row earlier in the file');
const withContract = { contract: contractRef };

const Row = z.discriminatedUnion('type', [
  NewCustomer.extend({ type: z.literal('customer'), ref: ref.optional() }),
  NewContract.extend({
    type: z.literal('contract'),
    ref: ref.optional(),
    customerId: NewContract.shape.customerId.optional(),
    customer: zText.trim().min(1).max(200).optional(),
  }),
  Payment.extend({ type: z.literal('payment'), ...withContract }),
  Refund.extend({ type: z.literal('refund'), ...withContract }),
  Delivery.extend({ type: z.literal('delivery'), ...withContract }),
  Cancellation.extend({ type: z.literal('cancellation'), ...withContract }),
  Reschedule.extend({ type: z.literal('reschedule'), ...withContract }),
]);

export type ContractRef = { id: number } | { ref: string };

export type ImportItem =
  | { line: number; type: 'customer'; ref: string | undefined; input: NewCustomerInput }
  | {
      line: number;
      type: 'contract';
      ref: string | undefined;
      customer: { id: number } | { name: string };
      input: Omit<NewContractInput, 'customerId'>;
    }
  | { line: number; type: 'event'; contract: ContractRef; event: ContractEvent };

const asContractRef = (c: number | string): ContractRef =>
  typeof c === 'number' ? { id: c } : /^\d+$/.test(c) ? { id: Number(c) } : { ref: c };

function toItem(line: number, row: z.output<typeof Row>): ImportItem {
  switch (row.type) {
    case 'customer': {
      const { type: _t, ref: r, ...input } = row;
      return { line, type: 'customer', ref: r, input };
    }
    case 'contract': {
      const { type: _t, ref: r, customer, customerId, ...input } = row;
      return {
        line,
        type: 'contract',
        ref: r,
        customer: customerId !== undefined ? { id: customerId } : { name: customer! },
        input,
      };
    }
    case 'payment':
      return {
        line,
        type: 'event',
        contract: asContractRef(row.contract),
        event: {
          type: 'payment-received',
          day: row.day,
          amountCents: row.amountUsd,
          reference: row.reference ?? null,
        },
      };
    case 'refund':
      return {
        line,
        type: 'event',
        contract: asContractRef(row.contract),
        event: { type: 'refund', day: row.day, amountCents: row.amountUsd, reason: row.reason ?? null },
      };
    case 'delivery':
      return {
        line,
        type: 'event',
        contract: asContractRef(row.contract),
        event: { type: 'delivery', day: row.day, lines: row.lines },
      };
    case 'cancellation':
      return {
        line,
        type: 'event',
        contract: asContractRef(row.contract),
        event: {
          type: 'cancellation',
          day: row.day,
          reason: row.reason ?? null,
          ...(row.parts ? { parts: row.parts } : {}),
        },
      };
    case 'reschedule':
      return {
        line,
        type: 'event',
        contract: asContractRef(row.contract),
        event: { type: 'reschedule', day: row.day, moves: row.moves, reason: row.reason ?? null },
      };
  }
}

function check(line: number, value: unknown, rejected: RejectedRow[]): ImportItem | undefined {
  const result = Row.safeParse(value);
  if (result.success) {
    const item = toItem(line, result.data);
    if (item.type === 'contract' && 'name' in item.customer && item.customer.name === undefined) {
      rejected.push({
        line,
        field: 'customer',
        reason: 'give customer (a ref or a name) or customerId',
        code: 'invalid',
      });
      return undefined;
    }
    return item;
  }
  for (const issue of result.error.issues) {
    const field =
      issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.map(String).join('.') || 'type';
    const reason =
      issue.code === 'invalid_union' && issue.path.length === 0
        ? 'type must be one of customer, contract, payment, refund, delivery, cancellation, reschedule'
        : issue.code === 'unrecognized_keys'
          ? `${issue.keys.length > 1 ? 'these fields do' : 'this field does'} not apply to a ${String((value as { type?: unknown }).type)} row`
          : issue.message;
    rejected.push({ line, field, reason, code: 'invalid' });
  }
  return undefined;
}

export function detectFormat(name: string, text: string): ImportFormat {
  if (/\.(nd)?jsonl?$|\.ndjson$/i.test(name)) return 'ndjson';
  if (/\.csv$/i.test(name)) return 'csv';
  return text.trimStart().startsWith('{') ? 'ndjson' : 'csv';
}

export function readImportFile(
  text: string,
  format: ImportFormat,
): { items: ImportItem[]; rejected: RejectedRow[] } {
  return format === 'ndjson' ? readNdjson(text) : readCsvRows(text);
}

function readNdjson(text: string) {
  const items: ImportItem[] = [];
  const rejected: RejectedRow[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      rejected.push({
        line: i + 1,
        field: 'row',
        reason: `not valid JSON: ${(error as Error).message}`,
        code: 'invalid',
      });
      return;
    }
    const item = check(i + 1, value, rejected);
    if (item) items.push(item);
  });
  return { items, rejected };
}

const COLUMNS = [
  'type',
  'ref',
  'customer',
  'contract',
  'name',
  'country',
  'region',
  'kind',
  'signedOn',
  'reference',
  'depositPercent',
  'balance',
  'creditDays',
  'depositForfeitedOnCancel',
  'productId',
  'units',
  'usdPerTh',
  'usdPerUnit',
  'tranches',
  'day',
  'amountUsd',
  'lineId',
  'tranche',
  'month',
  'reason',
] as const;
type Column = (typeof COLUMNS)[number];

/** `2021-01:400;2021-02:300` -> tranches; undefined when it is not written that way. */
function readTranches(text: string): { month: string; units: string }[] | undefined {
  const parts = text
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const tranches = parts.map((p) => /^(\d{4}-\d{2}):(\d+)$/.exec(p));
  if (tranches.length === 0 || tranches.some((t) => !t)) return undefined;
  return tranches.map((t) => ({ month: t![1]!, units: t![2]! }));
}

function readCsvRows(text: string) {
  const items: ImportItem[] = [];
  const rejected: RejectedRow[] = [];
  const records = readCsv(text);
  const header = records[0];
  if (!header) return { items, rejected };
  const names = header.fields.map((f) => f.trim());
  const unknown = names.filter((n) => !(COLUMNS as readonly string[]).includes(n));
  if (unknown.length > 0 || !names.includes('type')) {
    const reason =
      unknown.length > 0
        ? `unknown column ${unknown.join(', ')}; the columns are ${COLUMNS.join(', ')}`
        : 'the header must have a type column';
    rejected.push({ line: header.line, field: 'header', reason, code: 'invalid' });
    return { items, rejected };
  }
  // A contract row and the line rows after it make one contract, checked once complete.
  let pending: { line: number; value: Record<string, unknown>; lines: Record<string, unknown>[] } | undefined;
  const flush = () => {
    if (!pending) return;
    const item = check(pending.line, { ...pending.value, lines: pending.lines }, rejected);
    if (item) items.push(item);
    pending = undefined;
  };
  for (const record of records.slice(1)) {
    const cell: Partial<Record<Column, string>> = {};
    names.forEach((n, i) => {
      const v = record.fields[i]?.trim() ?? '';
      if (v !== '') cell[n as Column] = v;
    });
    const lineOf = (): Record<string, unknown> | undefined => {
      const line: Record<string, unknown> = {
        productId: cell.productId,
        units: cell.units,
        usdPerTh: cell.usdPerTh,
        usdPerUnit: cell.usdPerUnit,
      };
      if (cell.tranches !== undefined) {
        const tranches = readTranches(cell.tranches);
        if (!tranches) {
          rejected.push({
            line: record.line,
            field: 'tranches',
            reason: 'must be month:units pairs separated by ;, such as 2021-01:400;2021-02:300',
            code: 'invalid',
          });
          return undefined;
        }
        line.tranches = tranches;
      }
      return Object.fromEntries(Object.entries(line).filter(([, v]) => v !== undefined));
    };
    if (cell.type === 'line') {
      const line = lineOf();
      if (!pending) {
        rejected.push({
          line: record.line,
          field: 'type',
          reason: 'a line row must follow its contract row',
          code: 'invalid',
        });
      } else if (line) pending.lines.push(line);
      continue;
    }
    flush();
    const { type, ref: r, customer, contract, day, reason, reference } = cell;
    const common = Object.fromEntries(
      Object.entries({ type, reason, reference }).filter(([, v]) => v !== undefined),
    );
    const contractValue =
      contract === undefined ? undefined : /^\d+$/.test(contract) ? Number(contract) : contract;
    switch (type) {
      case 'customer':
        pushChecked(
          { ...common, ref: r, name: cell.name, country: cell.country, region: cell.region },
          record.line,
        );
        break;
      case 'contract': {
        const line = lineOf();
        if (!line) break;
        const bool = (v: string | undefined) =>
          v === undefined
            ? undefined
            : /^(true|yes|1)$/i.test(v)
              ? true
              : /^(false|no|0)$/i.test(v)
                ? false
                : v;
        pending = {
          line: record.line,
          value: {
            ...common,
            ...(r ? { ref: r } : {}),
            ...(customer === undefined
              ? {}
              : /^\d+$/.test(customer)
                ? { customerId: Number(customer) }
                : { customer }),
            kind: cell.kind,
            signedOn: cell.signedOn,
            terms: Object.fromEntries(
              Object.entries({
                depositPercent: cell.depositPercent,
                balance: cell.balance,
                creditDays: cell.creditDays,
                depositForfeitedOnCancel: bool(cell.depositForfeitedOnCancel),
              }).filter(([, v]) => v !== undefined),
            ),
          },
          lines: [line],
        };
        break;
      }
      case 'payment':
      case 'refund':
      case 'cancellation':
        pushChecked({ ...common, contract: contractValue, day, amountUsd: cell.amountUsd }, record.line);
        break;
      case 'delivery':
        pushChecked(
          { ...common, contract: contractValue, day, lines: [{ lineId: cell.lineId, units: cell.units }] },
          record.line,
        );
        break;
      case 'reschedule':
        pushChecked(
          {
            ...common,
            contract: contractValue,
            day,
            moves: [{ lineId: cell.lineId, tranche: cell.tranche, month: cell.month, units: cell.units }].map(
              (m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)),
            ),
          },
          record.line,
        );
        break;
      default:
        pushChecked(common, record.line);
    }
  }
  flush();
  return { items, rejected };

  function pushChecked(value: Record<string, unknown>, line: number) {
    const clean = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
    const item = check(line, clean, rejected);
    if (item) items.push(item);
  }
}
