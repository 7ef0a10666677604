/** The catalog's ledger events, by kind. Both carry the whole product as it stands afterwards. */
import type { EventOf } from '../ledger/events.js';
import type { Product } from './model.js';
import type { ProductChangesInput } from './schemas.js';

export type CatalogEvent =
  | EventOf<'catalog.product-added', Product>
  | EventOf<'catalog.product-updated', { changes: ProductChangesInput; product: Product }>;
