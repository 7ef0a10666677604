import type { Day } from '../kernel/calendar.js';
import { ruleBroken } from '../kernel/errors.js';

/** A product's life, in the only order it may move. */
export const STAGES = ['development', 'testing', 'pre-order', 'mass-production', 'end-of-life'] as const;
export type Stage = (typeof STAGES)[number];

export const AI_TIERS = ['low-cost', 'vision', 'high-end'] as const;
export type AiTier = (typeof AI_TIERS)[number];

export const ALGORITHMS = ['sha256', 'ethash'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

interface ProductBase {
  id: string;
  name: string;
  /** The product line it belongs to (A12, K-series); sales report by family. */
  family: string;
  stage: Stage;
  launchDate: Day | null;
  /**
   * The day it entered the catalogue (a business date): the catalogue as of an earlier day does
   * not list it. Null for a product recorded before the day was given: listed from the start.
   */
  addedOn: Day | null;
}

export interface Machine extends ProductBase {
  kind: 'machine';
  generation: number;
  algorithm: Algorithm;
  /** Nameplate hashrate in TH/s: what a contract's USD/TH prices. */
  ths: number;
  watts: number;
  chipsPerMachine: number;
  hashboards: number;
}

export interface AiChip extends ProductBase {
  kind: 'ai-chip';
  tier: AiTier;
  tops: number;
  processNm: number;
  /** The chip this one upgrades (K230 upgrades K210). */
  predecessor: string | null;
}

export type Product = Machine | AiChip;

/** Efficiency is derived, never stored, so it can't disagree with TH/s and W. */
export const joulesPerTh = (m: Pick<Machine, 'watts' | 'ths'>): number => m.watts / m.ths;

export function nextStage(stage: Stage): Stage | undefined {
  return STAGES[STAGES.indexOf(stage) + 1];
}

/** Stages move one step forward; anything else names the one allowed next stage. */
export function checkStageMove(product: Pick<Product, 'id' | 'stage'>, to: Stage): void {
  if (to === product.stage) return;
  const allowed = nextStage(product.stage);
  if (to !== allowed) {
    const next = allowed
      ? `the only allowed next stage is ${allowed}`
      : 'it is at the end of its life and cannot move';
    throw ruleBroken(
      'catalog.stage-order',
      `${product.id} is in ${product.stage}; it cannot move to ${to}: ${next}.`,
      'stage',
      { from: product.stage, to, allowed: allowed ?? null },
    );
  }
}

/** What sales may do with a product in a given stage. */
export function sellability(stage: Stage): 'not-yet' | 'pre-order' | 'sell' | 'end-of-life' {
  switch (stage) {
    case 'development':
    case 'testing':
      return 'not-yet';
    case 'pre-order':
      return 'pre-order';
    case 'mass-production':
      return 'sell';
    case 'end-of-life':
      return 'end-of-life';
  }
}
