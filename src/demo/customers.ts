import type { Region } from '../sales/model.js';

export interface DemoCustomer {
  /** Stable key for idempotency and for the book to refer to. */
  key: string;
  name: string;
  country: string;
  region: Region;
  /** How often the customer signs, relative to the others. */
  weight: number;
}

/**
 * The demo company's customers. Blue Energy is the one the notes name (15,000 machines in 2020Q4);
 * the others are invented, spread over the regions the real company sold to.
 */
export const DEMO_CUSTOMERS: DemoCustomer[] = [
  { key: 'blue-energy', name: 'Blue Energy', country: 'US', region: 'north-america', weight: 3 },
  { key: 'northbridge', name: 'Northbridge Digital', country: 'US', region: 'north-america', weight: 3 },
  { key: 'texas-hashworks', name: 'Texas Hashworks', country: 'US', region: 'north-america', weight: 2 },
  { key: 'great-lakes', name: 'Great Lakes Mining', country: 'US', region: 'north-america', weight: 1 },
  { key: 'prairie-hash', name: 'Prairie Hash', country: 'CA', region: 'north-america', weight: 2 },
  { key: 'quebec-hydro', name: 'Quebec Hydro Mining', country: 'CA', region: 'north-america', weight: 1 },
  { key: 'nordic-hashpower', name: 'Nordic Hashpower', country: 'SE', region: 'europe', weight: 2 },
  { key: 'fjord-data', name: 'Fjord Data', country: 'NO', region: 'europe', weight: 1 },
  { key: 'iceland-blockfarm', name: 'Iceland Blockfarm', country: 'IS', region: 'europe', weight: 1 },
  { key: 'volga-compute', name: 'Volga Compute', country: 'RU', region: 'europe', weight: 2 },
  { key: 'altyn-mining', name: 'Altyn Mining', country: 'KZ', region: 'central-asia', weight: 3 },
  { key: 'steppe-energy', name: 'Steppe Energy', country: 'KZ', region: 'central-asia', weight: 2 },
  { key: 'pampas-mineria', name: 'Pampas Minería', country: 'AR', region: 'latin-america', weight: 1 },
  { key: 'parana-hash', name: 'Paraná Hash', country: 'PY', region: 'latin-america', weight: 2 },
  { key: 'gulf-digital', name: 'Gulf Digital Mining', country: 'AE', region: 'middle-east', weight: 1 },
  { key: 'lion-city', name: 'Lion City Mining', country: 'SG', region: 'asia-pacific', weight: 2 },
  { key: 'kowloon-hash', name: 'Kowloon Hash', country: 'HK', region: 'asia-pacific', weight: 2 },
  { key: 'tasman-mining', name: 'Tasman Mining', country: 'AU', region: 'asia-pacific', weight: 1 },
  { key: 'addis-compute', name: 'Addis Compute', country: 'ET', region: 'africa', weight: 1 },
];

/** AI-chip buyers: device makers, not miners. */
export const DEMO_CHIP_CUSTOMERS: DemoCustomer[] = [
  {
    key: 'shenzhen-vision',
    name: 'Shenzhen Vision Devices',
    country: 'CN',
    region: 'asia-pacific',
    weight: 2,
  },
  { key: 'smart-home-labs', name: 'Smart Home Labs', country: 'KR', region: 'asia-pacific', weight: 1 },
  { key: 'robotica-sensing', name: 'Robotica Sensing', country: 'DE', region: 'europe', weight: 1 },
];
