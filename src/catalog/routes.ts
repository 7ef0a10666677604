import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { ProductList, ProductView } from './responses.js';
import { AsOfQuery, ById, NewProduct, ProductChanges, ProductFilter } from './schemas.js';
import { addProduct, getProduct, listProducts, updateProduct } from './service.js';

const tags = ['catalog'];

export function registerCatalogRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/catalog/products',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'List machines and AI chips',
        querystring: ProductFilter,
        response: { 200: ProductList },
      },
    },
    async (req) => listProducts(ctx, req.query),
  );
  app.get(
    '/api/catalog/products/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'One product, in its stage as of a day when asked',
        params: ById,
        querystring: AsOfQuery,
        response: { 200: ProductView },
      },
    },
    async (req) => getProduct(ctx, req.params.id, req.query.asOf),
  );
  app.post(
    '/api/catalog/products',
    {
      config: { role: 'supply' },
      schema: {
        tags,
        summary: 'Add a machine or an AI chip',
        body: NewProduct,
        response: { 201: ProductView },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return addProduct(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.patch(
    '/api/catalog/products/:id',
    {
      config: { role: 'supply' },
      schema: {
        tags,
        summary: 'Change a product; stages move one step forward only',
        params: ById,
        body: ProductChanges,
        response: { 200: ProductView },
      },
    },
    async (req) => updateProduct(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
}
