/** Shared set-up for tests that need a product: an AI chip in development, named by its id. */
export const chip = (id: string) =>
  ({
    kind: 'ai-chip',
    id,
    name: `chip ${id}`,
    family: 'K',
    tier: 'low-cost',
    tops: 1,
    processNm: 28,
    predecessor: null,
    launchDate: null,
    stage: 'development',
  }) as const;
